package io.firetap.sink.firehose;

/** The same kit with {@code FIRETAP_AWS_HTTP_CLIENT=netty}: the async client and its async body. */
class FirehoseSinkNettyCompatibilityTest extends FirehoseSinkCompatibilityTest {
    @Override
    String httpClient() {
        return "netty";
    }
}
