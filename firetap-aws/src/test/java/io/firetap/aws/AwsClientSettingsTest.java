package io.firetap.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AwsClientSettingsTest {

    private static AwsClientSettings from(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(Map.of("AWS_REGION", "eu-west-1"));
        values.putAll(extra);
        return AwsClientSettings.from(Settings.of(values), "FIREHOSE");
    }

    @Test
    void theDefaultTransportIsUrlConnection() {
        assertThat(from(Map.of()).httpClient()).isEqualTo(AwsHttpClient.URLCONNECTION);
        assertThat(from(Map.of("FIRETAP_AWS_HTTP_CLIENT", " ")).httpClient()).isEqualTo(AwsHttpClient.URLCONNECTION);
    }

    @Test
    void nettyAndUrlConnectionAreChosenByNameInAnyCase() {
        assertThat(from(Map.of("FIRETAP_AWS_HTTP_CLIENT", "netty")).httpClient()).isEqualTo(AwsHttpClient.NETTY);
        assertThat(from(Map.of("FIRETAP_AWS_HTTP_CLIENT", "Netty")).httpClient()).isEqualTo(AwsHttpClient.NETTY);
        assertThat(from(Map.of("FIRETAP_AWS_HTTP_CLIENT", "urlconnection")).httpClient())
                .isEqualTo(AwsHttpClient.URLCONNECTION);
    }

    @Test
    void anUnknownTransportNamesTheVariableTheValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> from(Map.of("FIRETAP_AWS_HTTP_CLIENT", "crt")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("FIRETAP_AWS_HTTP_CLIENT='crt' is not valid: expected one of urlconnection, netty")
                .satisfies(e -> assertThat(((ConfigException) e).variable()).isEqualTo("FIRETAP_AWS_HTTP_CLIENT"));
    }

    @Test
    void theTransportShowsInTheDescriptionButNoCredentialsDo() {
        AwsClientSettings settings = from(Map.of("FIRETAP_AWS_HTTP_CLIENT", "netty", "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                "AWS_SECRET_ACCESS_KEY", "not-a-secret"));

        assertThat(settings.toString()).endsWith(", netty]").doesNotContain("AKIDEXAMPLE").doesNotContain("not-a-secret");
    }
}
