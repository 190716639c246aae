package io.firetap.extension.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxAddressTest {
    @TempDir
    Path dir;

    @Test
    void usesTheHostsFileEntryAndAdvertisesTheName() throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "# comment sandbox.localdomain\n127.0.0.1 localhost\n"
                + "169.254.100.1\tsandbox.localdomain sandbox # the execution environment\n");
        SandboxAddress a = SandboxAddress.detect(hosts);
        assertThat(a.uriHost()).isEqualTo("sandbox.localdomain");
        assertThat(a.bindAddress()).isEqualTo(InetAddress.getByAddress(new byte[] {(byte) 169, (byte) 254, 100, 1}));
    }

    @Test
    void withoutTheEntryBindsLoopbackAndAdvertisesItLiterally() throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 localhost\n999.1.1.1 sandbox.localdomain\nnot-an-ip sandbox.localdomain\n");
        SandboxAddress a = SandboxAddress.detect(hosts);
        assertThat(a.bindAddress().isLoopbackAddress()).isTrue();
        assertThat(a.uriHost()).isIn("127.0.0.1", "[::1]");
        assertThat(SandboxAddress.detect(dir.resolve("missing")).bindAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void literalsAreParsedWithoutLookups() {
        assertThat(SandboxAddress.literal("10.0.0.1")).isNotNull();
        assertThat(SandboxAddress.literal("::1")).isNotNull();
        assertThat(SandboxAddress.literal("1.2.3")).isNull();
        assertThat(SandboxAddress.literal("example.com")).isNull();
        assertThat(SandboxAddress.literal("256.0.0.1")).isNull();
    }
}
