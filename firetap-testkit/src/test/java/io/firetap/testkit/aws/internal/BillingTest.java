package io.firetap.testkit.aws.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BillingTest {

    @Test
    void firehoseRoundsEachRecordUpToFiveKilobytes() {
        assertThat(Billing.firehoseBilledBytes(0)).isEqualTo(5_120);
        assertThat(Billing.firehoseBilledBytes(1)).isEqualTo(5_120);
        assertThat(Billing.firehoseBilledBytes(5_120)).isEqualTo(5_120);
        assertThat(Billing.firehoseBilledBytes(5_121)).isEqualTo(10_240);
        assertThat(Billing.firehoseBilledBytes(1_024_000)).isEqualTo(1_024_000);
        assertThat(Billing.firehoseBilledBytes(1_023_999)).isEqualTo(1_024_000);
    }

    @Test
    void kinesisCountsTwentyFiveKilobyteUnits() {
        assertThat(Billing.kinesisPutPayloadUnits(0)).isEqualTo(1);
        assertThat(Billing.kinesisPutPayloadUnits(5 * 1024)).isEqualTo(1);
        assertThat(Billing.kinesisPutPayloadUnits(25_600)).isEqualTo(1);
        assertThat(Billing.kinesisPutPayloadUnits(25_601)).isEqualTo(2);
        assertThat(Billing.kinesisPutPayloadUnits(45 * 1024)).isEqualTo(2);
        assertThat(Billing.kinesisPutPayloadUnits(1024 * 1024)).isEqualTo(41);
    }
}
