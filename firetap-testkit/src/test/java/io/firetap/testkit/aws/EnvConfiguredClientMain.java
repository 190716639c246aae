package io.firetap.testkit.aws;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * A child process that builds its SDK clients from the environment alone, as a sink in the
 * Lambda extension does: no endpoint, region or credentials in code.
 * Arguments: {@code firehose|kinesis STREAM TEXT}.
 */
public final class EnvConfiguredClientMain {
    private EnvConfiguredClientMain() {
    }

    public static void main(String[] args) {
        String service = args[0];
        String stream = args[1];
        SdkBytes data = SdkBytes.fromUtf8String(args[2]);
        int status = 0;
        try {
            if (service.equals("firehose")) {
                FirehoseAsyncClient firehose = FirehoseAsyncClient.create();
                int failed = firehose.putRecordBatch(b -> b.deliveryStreamName(stream)
                        .records(Record.builder().data(data).build())).join().failedPutCount();
                System.out.println("firehose failed=" + failed);
            } else {
                // Kinesis's HTTP/2 default cannot reach a plain-http HTTP/1.1 endpoint; HTTP/1.1 also works against AWS.
                KinesisAsyncClient kinesis = KinesisAsyncClient.builder()
                        .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
                        .build();
                int failed = kinesis.putRecords(b -> b.streamName(stream)
                        .records(PutRecordsRequestEntry.builder().partitionKey("child").data(data).build())).join().failedRecordCount();
                System.out.println("kinesis failed=" + failed);
            }
        } catch (RuntimeException e) {
            e.printStackTrace();
            status = 1;
        }
        // the process ends with its answer: closing the client first would wait out the two-second
        // quiet period of the event loop it owns
        System.out.flush();
        System.exit(status);
    }
}
