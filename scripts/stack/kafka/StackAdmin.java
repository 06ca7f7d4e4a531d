import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The stack's Kafka admin in one JVM: the stock CLI would start one JVM per topic (~2 s each on
 * two cores). kafka.sh compiles it once against the broker's own libs.
 *
 * <pre>
 *   StackAdmin BOOTSTRAP health [timeoutSeconds]
 *   StackAdmin BOOTSTRAP ensure-topics timeoutSeconds name:partitions...
 * </pre>
 *
 * Exit codes: 0 done, 1 broker not ready or a topic could not be brought to shape, 2 bad usage.
 */
public final class StackAdmin {
  private StackAdmin() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      usage();
    }
    String bootstrap = args[0];
    switch (args[1]) {
      case "health" -> System.exit(health(bootstrap, seconds(args, 2, 5)));
      case "ensure-topics" -> {
        if (args.length < 4) {
          usage();
        }
        Map<String, Integer> wanted = new LinkedHashMap<>();
        for (int i = 3; i < args.length; i++) {
          String[] parts = args[i].split(":", 2);
          if (parts.length != 2) {
            usage();
          }
          wanted.put(parts[0], Integer.parseInt(parts[1]));
        }
        System.exit(ensureTopics(bootstrap, seconds(args, 2, 60), wanted));
      }
      default -> usage();
    }
  }

  private static int seconds(String[] args, int index, int fallback) {
    return args.length > index ? Integer.parseInt(args[index]) : fallback;
  }

  private static void usage() {
    System.err.println(
        "usage: StackAdmin BOOTSTRAP health [timeoutSeconds]\n"
            + "       StackAdmin BOOTSTRAP ensure-topics timeoutSeconds name:partitions...");
    System.exit(2);
  }

  private static Admin admin(String bootstrap, int timeoutSeconds) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "shop-stack-admin");
    int timeoutMs = (int) TimeUnit.SECONDS.toMillis(timeoutSeconds);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMs, 10_000));
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
    // A broker that is still starting refuses connections; retry quickly rather than back off to 1 s.
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
    return Admin.create(props);
  }

  private static int health(String bootstrap, int timeoutSeconds) throws InterruptedException {
    try (Admin admin = admin(bootstrap, timeoutSeconds)) {
      int brokers = admin.describeCluster().nodes().get(timeoutSeconds, TimeUnit.SECONDS).size();
      System.out.println("brokers=" + brokers);
      return brokers > 0 ? 0 : 1;
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      System.err.println("kafka not healthy: " + e);
      return 1;
    }
  }

  private static int ensureTopics(String bootstrap, int timeoutSeconds, Map<String, Integer> wanted)
      throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(timeoutSeconds);
    try (Admin admin = admin(bootstrap, timeoutSeconds)) {
      // A freshly started broker can answer metadata before its controller accepts topic
      // creation, so the whole reconcile step is retried until the deadline.
      Exception last = null;
      while (Instant.now().isBefore(deadline)) {
        try {
          reconcile(admin, wanted, deadline).forEach(System.out::println);
          return 0;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          last = e;
          Thread.sleep(250);
        }
      }
      System.err.println("could not create topics within " + timeoutSeconds + " s: " + last);
      return 1;
    } catch (IllegalStateException e) {
      System.err.println(e.getMessage());
      return 1;
    }
  }

  /** Brings the topics to shape and returns what it did, one line a topic. */
  private static List<String> reconcile(Admin admin, Map<String, Integer> wanted, Instant deadline)
      throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
    List<String> report = new ArrayList<>();
    long waitMs = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
    Set<String> existing = admin.listTopics().names().get(waitMs, TimeUnit.MILLISECONDS);
    List<NewTopic> missing = new ArrayList<>();
    for (Map.Entry<String, Integer> e : wanted.entrySet()) {
      if (!existing.contains(e.getKey())) {
        // Replication factor 1: the dev stack has one broker.
        missing.add(new NewTopic(e.getKey(), e.getValue(), (short) 1));
      }
    }
    if (!missing.isEmpty()) {
      try {
        admin.createTopics(missing).all().get(waitMs, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        // Another caller (a concurrent up.sh) may have created it in between; that is fine.
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      for (NewTopic t : missing) {
        report.add("created " + t.name() + " partitions=" + t.numPartitions());
      }
    }
    Map<String, TopicDescription> described =
        admin.describeTopics(wanted.keySet()).allTopicNames().get(waitMs, TimeUnit.MILLISECONDS);
    Map<String, NewPartitions> grow = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> e : wanted.entrySet()) {
      int have = described.get(e.getKey()).partitions().size();
      if (have < e.getValue()) {
        grow.put(e.getKey(), NewPartitions.increaseTo(e.getValue()));
      } else if (have > e.getValue()) {
        // Kafka cannot shrink a topic; recreating it would silently drop data, so refuse.
        throw new IllegalStateException(
            "topic "
                + e.getKey()
                + " has "
                + have
                + " partitions but "
                + e.getValue()
                + " are configured; delete it (down.sh --purge) to shrink it");
      }
    }
    if (!grow.isEmpty()) {
      admin.createPartitions(grow).all().get(waitMs, TimeUnit.MILLISECONDS);
      grow.forEach((name, p) -> report.add("grew " + name + " to " + p.totalCount()));
    }
    for (String name : wanted.keySet()) {
      if (missing.stream().noneMatch(t -> t.name().equals(name)) && !grow.containsKey(name)) {
        report.add("exists " + name + " partitions=" + wanted.get(name));
      }
    }
    // The first FindCoordinator creates __consumer_offsets and loads it; until then every new
    // consumer group gets COORDINATOR_NOT_AVAILABLE. Doing it here means "up" includes "groups work".
    try {
      admin
          .describeConsumerGroups(List.of("shop-stack-warmup"))
          .all()
          .get(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      // Kafka 4 answers GROUP_ID_NOT_FOUND for a group nobody joined: the coordinator is up.
      if (!(e.getCause() instanceof GroupIdNotFoundException)) {
        throw e;
      }
    }
    return report;
  }
}
