package io.firetap.testkit.aws.internal;

import com.sun.net.httpserver.Headers;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a request's AWS Signature Version 4 ({@code Authorization: AWS4-HMAC-SHA256 …}) the way
 * the service does: rebuilds the canonical request from the method, path, query, the signed headers
 * and the SHA-256 of the body as received, derives the signing key from the secret and the
 * credential scope, and compares signatures. A client that changes the body after signing, or signs
 * a different body than it sends, fails here as it would against AWS.
 *
 * <p>Internal, not for public use.
 *
 * @see <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html">Create a signed AWS API request</a>
 */
public final class SigV4Check {
    private static final Pattern AUTHORIZATION = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request,\\s*"
                    + "SignedHeaders=([^,]+),\\s*Signature=([0-9a-f]{64})");
    private static final HexFormat HEX = HexFormat.of();

    private final String secretAccessKey;

    public SigV4Check(String secretAccessKey) {
        this.secretAccessKey = secretAccessKey;
    }

    /** @return {@code null} when the signature holds, else why not (the service's message) */
    public String problem(String method, String rawPath, String rawQuery, Headers headers, byte[] body) {
        String authorization = headers.getFirst("Authorization");
        if (authorization == null) {
            return "Missing Authentication Token";
        }
        Matcher m = AUTHORIZATION.matcher(authorization.trim());
        if (!m.matches()) {
            return "Authorization header is not AWS4-HMAC-SHA256 with Credential, SignedHeaders and Signature";
        }
        String date = m.group(2);
        String region = m.group(3);
        String service = m.group(4);
        String[] signedHeaders = m.group(5).split(";");
        String amzDate = headers.getFirst("X-Amz-Date");
        if (amzDate == null || !amzDate.startsWith(date)) {
            return "X-Amz-Date is missing or not on the credential scope's date";
        }
        String bodyHash = HEX.formatHex(sha256(body));
        String declared = headers.getFirst("X-Amz-Content-Sha256");
        if (declared != null && !declared.equals(bodyHash) && !declared.startsWith("UNSIGNED-PAYLOAD")
                && !declared.startsWith("STREAMING-")) {
            return "X-Amz-Content-Sha256 does not match the body received";
        }
        StringBuilder canonical = new StringBuilder(512)
                .append(method).append('\n')
                .append(rawPath == null || rawPath.isEmpty() ? "/" : rawPath).append('\n')
                .append(canonicalQuery(rawQuery)).append('\n');
        for (String name : signedHeaders) {
            List<String> values = headers.get(name);
            if (values == null) {
                return "signed header " + name + " is not in the request";
            }
            List<String> trimmed = new ArrayList<>(values.size());
            for (String v : values) {
                trimmed.add(v.trim().replaceAll(" +", " "));
            }
            canonical.append(name.toLowerCase(Locale.ROOT)).append(':').append(String.join(",", trimmed)).append('\n');
        }
        canonical.append('\n').append(m.group(5)).append('\n')
                .append(declared != null && !declared.equals(bodyHash) ? declared : bodyHash);
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + HEX.formatHex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        String expected = HEX.formatHex(hmac(key, toSign));
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                m.group(6).getBytes(StandardCharsets.US_ASCII))
                ? null
                : "The request signature we calculated does not match the signature you provided";
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        String[] pairs = rawQuery.split("&");
        for (int i = 0; i < pairs.length; i++) {
            if (pairs[i].indexOf('=') < 0) {
                pairs[i] = pairs[i] + "=";
            }
        }
        Arrays.sort(pairs);
        return String.join("&", pairs);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
