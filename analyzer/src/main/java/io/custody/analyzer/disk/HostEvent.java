package io.custody.analyzer.disk;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One thing a host's logs say happened: a login, a failed login, a logout, a boot, sudo or su, an
 * account added or changed, a password changed. Times are UTC; {@code source} says where the event
 * was read ({@code p1:/var/log/auth.log:123}, {@code p1:/var/log/wtmp#5}) and whether its year was
 * inferred.
 *
 * @param kind {@code ssh-accepted}, {@code ssh-failed}, {@code ssh-invalid-user}, {@code login},
 *     {@code logout}, {@code failed-login}, {@code boot}, {@code last-login}, {@code sudo}, {@code su},
 *     {@code user-added}, {@code group-member-added}, {@code password-changed}
 * @param key the fingerprint of the SSH key used, as sshd logged it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"time_utc", "epoch", "kind", "user", "address", "port", "method", "key", "detail", "source", "year_inferred"})
public record HostEvent(
    @JsonProperty("time_utc") String timeUtc,
    @JsonProperty("epoch") long epoch,
    @JsonProperty("kind") String kind,
    @JsonProperty("user") String user,
    @JsonProperty("address") String address,
    @JsonProperty("port") Integer port,
    @JsonProperty("method") String method,
    @JsonProperty("key") String key,
    @JsonProperty("detail") String detail,
    @JsonProperty("source") String source,
    @JsonProperty("year_inferred") Boolean yearInferred) {

  /** One line for a timeline: what happened, to whom, from where. */
  String describe() {
    StringBuilder s = new StringBuilder(kind);
    if (user != null) {
      s.append(" user=").append(user);
    }
    if (address != null) {
      s.append(" from=").append(address).append(port == null ? "" : " port=" + port);
    }
    if (method != null) {
      s.append(" method=").append(method);
    }
    if (key != null) {
      s.append(" key=").append(key);
    }
    if (detail != null) {
      s.append(" ").append(detail);
    }
    return s.toString();
  }
}
