package io.firetap.sink.firehose;

/** The same kit with {@code FIRETAP_AWS_HTTP_CLIENT=urlconnection}: the SDK's synchronous client. */
class FirehoseSinkUrlConnectionCompatibilityTest extends FirehoseSinkCompatibilityTest {
    @Override
    String httpClient() {
        return "urlconnection";
    }
}
