package io.firetap.aws.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for one kind of request: a {@code POST} to one host and path, signing the
 * headers {@link AwsJsonCall} sends ({@code content-type}, {@code host}, {@code x-amz-date},
 * {@code x-amz-security-token} when there is a session token, {@code x-amz-target}) and the
 * SHA-256 of the body. The JDK's {@code HmacSHA256} and {@code SHA-256}; the signing key is derived
 * once a day (it depends on the date, region and service only).
 *
 * <p>Not thread-safe: one per {@link AwsJsonCall}, used by the one thread that calls it at a time.
 *
 * @see <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html">Create a signed AWS API request</a>
 */
final class SigV4 {
    private static final HexFormat HEX = HexFormat.of();

    private final String accessKeyId;
    private final byte[] secret;
    private final String sessionToken;
    private final String region;
    private final String service;
    private final String host;
    private final String path;
    private final String signedHeaders;
    /**
     * Made by the first signature, not with the signer: the sinks are created on the way to the
     * extension's first {@code /next}, and the JDK's first {@code Mac} loads and checks its crypto
     * providers, tens of milliseconds there; the first signature is the sinks' warm-up, after it.
     */
    private MessageDigest sha256;
    private Mac hmac;
    private String keyDate;
    private byte[] key;

    SigV4(String accessKeyId, String secretAccessKey, String sessionToken, String region, String service,
            String host, String path) {
        this.accessKeyId = accessKeyId;
        this.secret = ("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8);
        this.sessionToken = sessionToken;
        this.region = region;
        this.service = service;
        this.host = host;
        this.path = path;
        this.signedHeaders = sessionToken == null ? "content-type;host;x-amz-date;x-amz-target"
                : "content-type;host;x-amz-date;x-amz-security-token;x-amz-target";
    }

    /** {@code X-Amz-Date} for the given instant: {@code yyyyMMdd'T'HHmmss'Z'} in UTC. */
    static String amzDate(long epochMillis) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000), 0, ZoneOffset.UTC);
        StringBuilder out = new StringBuilder(16);
        digits(out, t.getYear(), 4);
        digits(out, t.getMonthValue(), 2);
        digits(out, t.getDayOfMonth(), 2);
        out.append('T');
        digits(out, t.getHour(), 2);
        digits(out, t.getMinute(), 2);
        digits(out, t.getSecond(), 2);
        return out.append('Z').toString();
    }

    private static void digits(StringBuilder out, int value, int width) {
        String s = Integer.toString(value);
        for (int i = s.length(); i < width; i++) {
            out.append('0');
        }
        out.append(s);
    }

    /** The {@code Authorization} header's value for a request with these header values and body. */
    String authorization(String amzDate, String contentType, String target, byte[] body) {
        if (hmac == null) {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
                hmac = Mac.getInstance("HmacSHA256");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK has no SHA-256 or HmacSHA256", e);
            }
        }
        String date = amzDate.substring(0, 8);
        StringBuilder canonical = new StringBuilder(320)
                .append("POST\n").append(path).append("\n\n")
                .append("content-type:").append(contentType).append('\n')
                .append("host:").append(host).append('\n')
                .append("x-amz-date:").append(amzDate).append('\n');
        if (sessionToken != null) {
            canonical.append("x-amz-security-token:").append(sessionToken).append('\n');
        }
        canonical.append("x-amz-target:").append(target).append('\n')
                .append('\n').append(signedHeaders).append('\n')
                .append(HEX.formatHex(sha256.digest(body)));
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + HEX.formatHex(sha256.digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        String signature = HEX.formatHex(hmac(signingKey(date), toSign));
        return "AWS4-HMAC-SHA256 Credential=" + accessKeyId + "/" + scope + ", SignedHeaders=" + signedHeaders
                + ", Signature=" + signature;
    }

    private byte[] signingKey(String date) {
        if (!date.equals(keyDate)) {
            byte[] k = hmac(secret, date);
            k = hmac(k, region);
            k = hmac(k, service);
            key = hmac(k, "aws4_request");
            keyDate = date;
        }
        return key;
    }

    private byte[] hmac(byte[] k, String data) {
        try {
            hmac.init(new SecretKeySpec(k, "HmacSHA256"));
            return hmac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    String sessionToken() {
        return sessionToken;
    }
}
