// Gives the local broker its principals and ACLs; run by deploy/local/kafka.sh after every
// start (idempotent), as `admin`, with the broker's own jars:
//
//   java -cp '<libs>/*' Provision.java <bootstrap> <credentials-dir> <acls.txt> [topic-prefix]
//
// - SCRAM-SHA-512 credentials for every principal named in acls.txt, with the password in
//   <credentials-dir>/<principal>.password (upserted: a changed file takes effect);
// - the ACLs of acls.txt exactly: missing ones are created, and ACLs of those principals
//   that the file no longer lists are deleted.
// The admin password comes from <credentials-dir>/admin.password. A single-file program
// (java runs the source directly) because kafka-acls lives in kafka-tools, which the
// broker does not need.

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

public class Provision {
  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: Provision.java <bootstrap> <credentials-dir> <acls.txt> [prefix]");
      System.exit(2);
    }
    String bootstrap = args[0];
    Path credentials = Path.of(args[1]);
    List<String> spec = Files.readAllLines(Path.of(args[2]));
    String prefix = args.length > 3 ? args[3] : "";

    Set<String> principals = new LinkedHashSet<>();
    Set<AclBinding> wanted = new LinkedHashSet<>();
    for (String raw : spec) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      String[] f = line.split("\\s+");
      if (f.length != 5) throw new IllegalArgumentException("acls.txt: 5 columns expected: " + line);
      principals.add(f[0]);
      ResourcePattern resource = new ResourcePattern(
          ResourceType.valueOf(snake(f[2])), f[4].replace("{prefix}", prefix),
          PatternType.valueOf(snake(f[3])));
      for (String op : f[1].split(",")) {
        wanted.add(new AclBinding(resource, new AccessControlEntry(
            "User:" + f[0], "*", AclOperation.valueOf(snake(op)), AclPermissionType.ALLOW)));
      }
    }

    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("security.protocol", "SASL_PLAINTEXT");
    props.put("sasl.mechanism", "SCRAM-SHA-512");
    props.put("sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" "
            + "password=\"" + password(credentials, "admin") + "\";");
    props.put("client.id", "opsledger-provision");
    try (Admin admin = Admin.create(props)) {
      List<UserScramCredentialAlteration> users = new ArrayList<>();
      for (String principal : principals) {
        users.add(new UserScramCredentialUpsertion(
            principal, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
            password(credentials, principal)));
      }
      admin.alterUserScramCredentials(users).all().get(60, TimeUnit.SECONDS);

      Set<AclBinding> existing = new HashSet<>();
      for (AclBinding binding : admin.describeAcls(AclBindingFilter.ANY).values().get(60, TimeUnit.SECONDS)) {
        String who = binding.entry().principal();
        if (who.startsWith("User:") && principals.contains(who.substring(5))) existing.add(binding);
      }
      List<AclBindingFilter> stale = new ArrayList<>();
      for (AclBinding binding : existing) {
        if (!wanted.contains(binding)) stale.add(binding.toFilter());
      }
      List<AclBinding> missing = new ArrayList<>();
      for (AclBinding binding : wanted) {
        if (!existing.contains(binding)) missing.add(binding);
      }
      if (!stale.isEmpty()) admin.deleteAcls(stale).all().get(60, TimeUnit.SECONDS);
      if (!missing.isEmpty()) admin.createAcls(missing).all().get(60, TimeUnit.SECONDS);
      System.err.printf("kafka.sh: %d principals; ACLs: %d wanted, %d created, %d stale removed%n",
          principals.size(), wanted.size(), missing.size(), stale.size());
    }
  }

  // kafka-acls spelling (IdempotentWrite, Prefixed) to the Java enum's (IDEMPOTENT_WRITE).
  private static String snake(String name) {
    return name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  private static String password(Path dir, String principal) throws Exception {
    String value = Files.readString(dir.resolve(principal + ".password")).strip();
    if (value.isEmpty()) throw new IllegalStateException("empty password file for " + principal);
    return value;
  }
}
