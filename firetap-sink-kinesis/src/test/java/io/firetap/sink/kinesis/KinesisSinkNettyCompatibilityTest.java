package io.firetap.sink.kinesis;

/** The same kit with {@code FIRETAP_AWS_HTTP_CLIENT=netty}: the async client. */
class KinesisSinkNettyCompatibilityTest extends KinesisSinkCompatibilityTest {
    @Override
    String httpClient() {
        return "netty";
    }
}
