package io.firetap.testkit.aws;

/** The AWS services an {@link AwsEndpoint} speaks, with the {@code X-Amz-Target} prefix that selects each. */
public enum AwsService {
    /** Amazon Data Firehose, AWS JSON 1.1. */
    FIREHOSE("Firehose_20150804"),
    /** Amazon Kinesis Data Streams, AWS CBOR 1.1 or JSON 1.1. */
    KINESIS("Kinesis_20131202");

    private final String targetPrefix;

    AwsService(String targetPrefix) {
        this.targetPrefix = targetPrefix;
    }

    /** The part of {@code X-Amz-Target} before the dot, e.g. {@code Firehose_20150804}. */
    public String targetPrefix() {
        return targetPrefix;
    }
}
