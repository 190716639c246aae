package io.firetap.sink.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.firetap.core.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The same kit with {@code FIRETAP_AWS_HTTP_CLIENT=netty}: the async client. */
class S3SinkNettyCompatibilityTest extends S3SinkCompatibilityTest {
    @Override
    String httpClient() {
        return "netty";
    }

    @Test
    void theSinksOfThisRunAreOnNetty() {
        assertThat(destination().newSink(Settings.of(Map.of())).toString()).contains(", netty]");
    }
}
