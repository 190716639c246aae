package io.firetap.sink.kinesis;

/** The same kit with {@code FIRETAP_AWS_HTTP_CLIENT=urlconnection}: the SDK's synchronous client. */
class KinesisSinkUrlConnectionCompatibilityTest extends KinesisSinkCompatibilityTest {
    @Override
    String httpClient() {
        return "urlconnection";
    }
}
