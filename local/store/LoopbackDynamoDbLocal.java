import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local as `npm start` and the tests run it: AWS's own emulator, with three changes it has
 * no option for. Started by `local/store/dynamodb-local.ts` through Java's source launcher (no
 * build step, no class file in the repository):
 *
 *   java -Djava.library.path=<lib> -cp DynamoDBLocal.jar LoopbackDynamoDbLocal.java \
 *        --listen 127.0.0.1[,172.17.0.1] --port 8000 -- -inMemory -sharedDb -disableTelemetry
 *
 * 1. It listens only on the addresses given. DynamoDB Local itself binds every interface, which
 *    would put the table, token hashes included, on the LAN.
 * 2. It answers only requests whose Host is a loopback name, host.docker.internal (sam local
 *    invoke) or one of those addresses: a DNS-rebinding page sends its own host name and is refused.
 * 3. It refuses every request that carries an Origin header, preflights included. Browsers add
 *    Origin to cross-origin requests; the AWS SDKs and CLI never send it, so they work unchanged
 *    while no web page the developer opens can read or write the table.
 *
 * It prints "listening on <host>:<port>" per address once the server is up, and exits when its
 * standard input closes, so it never outlives the process that started it.
 */
public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    List<String> listen = new ArrayList<>();
    int port = 8000;
    List<String> dynamoDbArgs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--listen" -> listen.addAll(List.of(args[++i].split(",")));
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--" -> {
          for (i++; i < args.length; i++) dynamoDbArgs.add(args[i]);
        }
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (listen.isEmpty()) listen.add("127.0.0.1");

    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(dynamoDbArgs.toArray(String[]::new));
    // The Jetty server is private and built for every interface; its connectors are replaced before it starts.
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) server.removeConnector(connector);

    List<ServerConnector> connectors = new ArrayList<>();
    for (String host : listen) {
      ServerConnector connector = new ServerConnector(server);
      connector.setHost(host);
      connector.setPort(port);
      server.addConnector(connector);
      connectors.add(connector);
    }
    // With port 0 the first address picks a free port and the others take the same one.
    ServerConnector first = connectors.get(0);
    first.open();
    for (ServerConnector connector : connectors) connector.setPort(first.getLocalPort());

    Set<String> allowedHosts = new TreeSet<>(List.of("localhost", "host.docker.internal", "[::1]"));
    for (String host : listen) allowedHosts.add(host.contains(":") ? "[" + host + "]" : host.toLowerCase(Locale.ROOT));
    server.setHandler(new Guard(server.getHandler(), allowedHosts));

    proxy.start();
    for (ServerConnector connector : connectors) {
      System.out.println("listening on " + connector.getHost() + ":" + connector.getLocalPort());
    }
    System.out.flush();

    while (System.in.read() != -1) {
      // Nothing is expected on stdin: its end says the parent has gone.
    }
    proxy.stop();
    System.exit(0);
  }

  /** Refuses what no AWS SDK on this machine sends: a foreign Host, or any Origin. */
  static final class Guard extends Handler.Wrapper {
    private final Set<String> allowedHosts;

    Guard(Handler handler, Set<String> allowedHosts) {
      super(handler);
      this.allowedHosts = allowedHosts;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      if (request.getHeaders().get(HttpHeader.ORIGIN) != null) {
        return refuse(response, callback, "The local store refuses requests from web pages (with an Origin header).");
      }
      if (!isAllowedHost(request.getHeaders().get(HttpHeader.HOST))) {
        return refuse(response, callback, "The local store only answers requests addressed to a loopback host name.");
      }
      return super.handle(request, response, callback);
    }

    private boolean isAllowedHost(String header) {
      if (header == null) return false;
      String host = header.toLowerCase(Locale.ROOT);
      int colon = host.lastIndexOf(':');
      if (colon > host.lastIndexOf(']')) host = host.substring(0, colon);
      return allowedHosts.contains(host) || host.matches("127(\\.\\d{1,3}){3}");
    }

    /** A DynamoDB-shaped error, so the SDK and CLI show the message instead of a parse failure. */
    private static boolean refuse(Response response, Callback callback, String message) {
      byte[] body = ("{\"__type\":\"com.amazonaws.dynamodb.v20120810#AccessDeniedException\",\"Message\":\""
          + message + "\"}").getBytes(StandardCharsets.UTF_8);
      response.setStatus(403);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-amz-json-1.0");
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
      response.write(true, ByteBuffer.wrap(body), callback);
      return true;
    }
  }
}
