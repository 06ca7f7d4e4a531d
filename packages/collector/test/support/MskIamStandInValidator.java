import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerExtensionsValidatorCallback;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerToken;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallback;

/**
 * The test broker's stand-in for Amazon MSK's IAM check (server callback handler of its OAUTHBEARER
 * mechanism). It accepts a token only if it is shaped as MSK expects: base64url of an https URL on
 * kafka.REGION.amazonaws.com with Action=kafka-cluster:Connect, a SigV4 query signature whose
 * credential scope names that region and the kafka-cluster service, whole-second X-Amz-Expires, not
 * expired. The SigV4 signature itself is not checked: that takes AWS. The session's principal is the
 * access key id, and its lifetime the token's expiry.
 */
public class MskIamStandInValidator implements AuthenticateCallbackHandler {
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

  @Override
  public void configure(Map<String, ?> configs, String mechanism, List<AppConfigurationEntry> jaas) {}

  @Override
  public void close() {}

  @Override
  public void handle(Callback[] callbacks) throws UnsupportedCallbackException {
    for (Callback callback : callbacks) {
      if (callback instanceof OAuthBearerValidatorCallback validator) {
        validate(validator);
      } else if (callback instanceof OAuthBearerExtensionsValidatorCallback extensions) {
        extensions.inputExtensions().map().keySet().forEach(extensions::valid);
      } else {
        throw new UnsupportedCallbackException(callback);
      }
    }
  }

  private static void validate(OAuthBearerValidatorCallback callback) {
    String token = callback.tokenValue();
    try {
      if (token.contains("=")) throw new IllegalArgumentException("padded base64");
      URI url = URI.create(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
      Map<String, String> query = new HashMap<>();
      for (String pair : url.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        query.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
      }
      String host = url.getHost();
      String[] scope = query.getOrDefault("X-Amz-Credential", "").split("/");
      boolean shaped = "https".equals(url.getScheme())
          && host.matches("kafka\\.[a-z0-9-]+\\.amazonaws\\.com")
          && "kafka-cluster:Connect".equals(query.get("Action"))
          && "AWS4-HMAC-SHA256".equals(query.get("X-Amz-Algorithm"))
          && "host".equals(query.get("X-Amz-SignedHeaders"))
          && query.getOrDefault("X-Amz-Signature", "").matches("[0-9a-f]{64}")
          && query.getOrDefault("X-Amz-Expires", "").matches("[0-9]+")
          && scope.length == 5
          && host.equals("kafka." + scope[2] + ".amazonaws.com")
          && "kafka-cluster".equals(scope[3])
          && "aws4_request".equals(scope[4]);
      if (!shaped) throw new IllegalArgumentException("not an MSK IAM token");
      long start = LocalDateTime.parse(query.get("X-Amz-Date"), AMZ_DATE).toInstant(ZoneOffset.UTC).toEpochMilli();
      long expiry = start + Long.parseLong(query.get("X-Amz-Expires")) * 1000;
      if (expiry <= System.currentTimeMillis()) throw new IllegalArgumentException("expired");
      String principal = scope[0];
      callback.token(new OAuthBearerToken() {
        public String value() { return token; }
        public Set<String> scope() { return Set.of(); }
        public long lifetimeMs() { return expiry; }
        public String principalName() { return principal; }
        public Long startTimeMs() { return start; }
      });
    } catch (RuntimeException e) {
      callback.error("invalid_token", null, null);
    }
  }

  private static String decode(String part) {
    return URLDecoder.decode(part, StandardCharsets.UTF_8);
  }
}
