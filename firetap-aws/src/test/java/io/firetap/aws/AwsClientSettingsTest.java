package io.firetap.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firetap.aws.internal.AwsJsonCall;
import io.firetap.core.config.ConfigException;
import io.firetap.core.config.Settings;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AwsClientSettingsTest {

    private static AwsClientSettings from(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(Map.of("AWS_REGION", "eu-west-1"));
        values.putAll(extra);
        return AwsClientSettings.from(Settings.of(values), "FIREHOSE");
    }

    private static final Map<String, String> KEYS = Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY", "not-a-secret");

    @Test
    void theDefaultTransportIsDirectWhenTheKeyVariablesAreSet() {
        assertThat(from(KEYS).httpClient()).isEqualTo(AwsHttpClient.DIRECT);
        Map<String, String> blank = new HashMap<>(KEYS);
        blank.put("FIRETAP_AWS_HTTP_CLIENT", " ");
        assertThat(from(blank).httpClient()).isEqualTo(AwsHttpClient.DIRECT);
    }

    @Test
    void directFallsBackToTheSdksUrlConnectionClientWhereOnlyTheSdkCanServe() {
        // no key variables: SnapStart, containers, profiles — providers only the SDK reads
        assertThat(from(Map.of()).httpClient()).isEqualTo(AwsHttpClient.URLCONNECTION);
        assertThat(from(Map.of("FIRETAP_AWS_HTTP_CLIENT", "direct")).httpClient()).isEqualTo(AwsHttpClient.URLCONNECTION);
        for (String variable : new String[] {"AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT"}) {
            Map<String, String> values = new HashMap<>(KEYS);
            values.put(variable, "true");
            assertThat(from(values).httpClient()).as(variable).isEqualTo(AwsHttpClient.URLCONNECTION);
        }
    }

    @Test
    void directCallsGoToTheRegionsStandardEndpointOrTheOverride() {
        assertThat(AwsJsonCall.of(from(KEYS), "firehose", "Firehose_20150804.PutRecordBatch").url())
                .hasToString("https://firehose.eu-west-1.amazonaws.com/");
        Map<String, String> china = new HashMap<>(KEYS);
        china.put("AWS_REGION", "cn-north-1");
        assertThat(AwsJsonCall.of(from(china), "kinesis", "Kinesis_20131202.PutRecords").url())
                .hasToString("https://kinesis.cn-north-1.amazonaws.com.cn/");
        Map<String, String> local = new HashMap<>(KEYS);
        local.put("AWS_ENDPOINT_URL", "http://127.0.0.1:4566");
        assertThat(AwsJsonCall.of(from(local), "kinesis", "Kinesis_20131202.PutRecords").url())
                .hasToString("http://127.0.0.1:4566/");
    }

    @Test
    void theTransportsAreChosenByNameInAnyCase() {
        assertThat(from(Map.of("FIRETAP_AWS_HTTP_CLIENT", "Direct", "AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b"))
                .httpClient()).isEqualTo(AwsHttpClient.DIRECT);
        assertThat(from(Map.of("FIRETAP_AWS_HTTP_CLIENT", "netty")).httpClient()).isEqualTo(AwsHttpClient.NETTY);
        assertThat(from(Map.of("FIRETAP_AWS_HTTP_CLIENT", "Netty")).httpClient()).isEqualTo(AwsHttpClient.NETTY);
        assertThat(from(Map.of("FIRETAP_AWS_HTTP_CLIENT", "urlconnection")).httpClient())
                .isEqualTo(AwsHttpClient.URLCONNECTION);
    }

    @Test
    void anUnknownTransportNamesTheVariableTheValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> from(Map.of("FIRETAP_AWS_HTTP_CLIENT", "crt")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("FIRETAP_AWS_HTTP_CLIENT='crt' is not valid: expected one of direct, urlconnection, netty")
                .satisfies(e -> assertThat(((ConfigException) e).variable()).isEqualTo("FIRETAP_AWS_HTTP_CLIENT"));
    }

    @Test
    void theTransportShowsInTheDescriptionButNoCredentialsDo() {
        AwsClientSettings settings = from(Map.of("FIRETAP_AWS_HTTP_CLIENT", "netty", "AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
                "AWS_SECRET_ACCESS_KEY", "not-a-secret"));

        assertThat(settings.toString()).endsWith(", netty]").doesNotContain("AKIDEXAMPLE").doesNotContain("not-a-secret");
    }

    @Test
    void nettyWithoutItsJarsIsAConfigurationErrorThatSaysWhatToAdd() throws Exception {
        URL[] withoutNetty = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).getFileName().toString().startsWith("netty"))
                .map(entry -> {
                    try {
                        return Path.of(entry).toUri().toURL();
                    } catch (java.net.MalformedURLException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toArray(URL[]::new);
        try (URLClassLoader loader = new URLClassLoader(withoutNetty, ClassLoader.getPlatformClassLoader())) {
            Class<?> settings = loader.loadClass(Settings.class.getName());
            Object values = settings.getMethod("of", Map.class).invoke(null,
                    Map.of("AWS_REGION", "eu-west-1", "FIRETAP_AWS_HTTP_CLIENT", "netty"));
            Class<?> aws = loader.loadClass(AwsClientSettings.class.getName());

            assertThatThrownBy(() -> {
                try {
                    aws.getMethod("from", settings, String.class).invoke(null, values, "FIREHOSE");
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            })
                    .hasMessageStartingWith("FIRETAP_AWS_HTTP_CLIENT='netty' needs the SDK's netty client")
                    .hasMessageContaining("software.amazon.awssdk:netty-nio-client")
                    .hasMessageEndingWith("or use urlconnection");
            // and the default still works there
            Object defaults = settings.getMethod("of", Map.class).invoke(null, Map.of("AWS_REGION", "eu-west-1"));
            assertThat(aws.getMethod("from", settings, String.class).invoke(null, defaults, "FIREHOSE").toString())
                    .endsWith(", urlconnection]");
        }
    }
}
