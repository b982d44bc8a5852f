package io.smoothdeploy.local;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import com.microsoft.azure.functions.annotation.ServiceBusQueueTrigger;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The functions of a function app, found the way the Functions runtime finds them: by reflecting over the
 * public methods annotated with {@link FunctionName} and reading their trigger annotations.
 *
 * <ul>
 *   <li>{@link HttpTrigger}: an HTTP route served under {@code /api/} + the route template. A template
 *       segment is a literal, a {@code {name}} parameter (a {@code {name:constraint}} is accepted, its
 *       constraint not enforced) or a trailing {@code {*name}} catch-all. An empty route is the function's
 *       name, as in Azure.</li>
 *   <li>{@link ServiceBusQueueTrigger}: a queue listener; {@code %Setting%} in the queue name is resolved
 *       through the settings given to the catalog, as the runtime resolves it through app settings.</li>
 * </ul>
 *
 * <p>The parameters the local host can supply: for HTTP, the {@code @HttpTrigger}
 * {@code HttpRequestMessage<Optional<String>>}, {@code @BindingName("x") String} (the route value
 * {@code {x}}, else the query parameter {@code x}) and {@link ExecutionContext}; for a queue, the
 * {@code @ServiceBusQueueTrigger String} body, {@code @BindingName("MessageId") String},
 * {@code @BindingName("DeliveryCount") int} and {@link ExecutionContext}. Anything else fails when the
 * catalog is built, naming the method and parameter.
 *
 * <p>{@link TimerTrigger}: a timer ({@link TriggerKind#TIMER}); its {@code %Setting%} schedule is resolved
 * and parsed as NCRONTAB ({@link NcrontabSchedule}) when the catalog is built, and {@link TimerScheduler} runs
 * it. It is handed the timer-info JSON as its {@code @TimerTrigger String} and {@link ExecutionContext}.
 * Functions with other triggers are listed by {@link #functions()} with kind {@link TriggerKind#OTHER} but
 * not run.
 */
public final class FunctionCatalog {

    /** The prefix every HTTP route hangs from, as host.json's {@code extensions.http.routePrefix}. */
    public static final String ROUTE_PREFIX = "api";

    private static final Logger LOG = Logger.getLogger(FunctionCatalog.class.getName());
    private static final Pattern SETTING_REFERENCE = Pattern.compile("%([^%]+)%");

    private final Map<String, String> settings;
    private final List<FunctionInfo> functions;
    private final List<HttpRoute> httpRoutes;
    private final Map<String, QueueTrigger> queueTriggers;
    private final List<TimerFunction> timerFunctions;

    /**
     * Builds the catalog over function-class instances.
     *
     * @param settings          app settings, for {@code %Setting%} references
     * @param functionInstances instances of function classes, e.g. {@code new StepFunctions(orchestrator)}
     * @throws IllegalStateException    when a {@code %Setting%} is not in {@code settings}
     * @throws IllegalArgumentException when a function cannot run locally (unsupported parameter, two
     *                                  functions with one name, two listeners on one queue, clashing routes)
     */
    public FunctionCatalog(Map<String, String> settings, Object... functionInstances) {
        this(settings, Arrays.asList(functionInstances));
    }

    /** As {@link #FunctionCatalog(Map, Object...)}. */
    public FunctionCatalog(Map<String, String> settings, List<?> functionInstances) {
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(settings, "settings")));
        List<FunctionInfo> infos = new ArrayList<>();
        List<HttpRoute> routes = new ArrayList<>();
        Map<String, QueueTrigger> queues = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Map<String, String> declaredBy = new HashMap<>();
        List<TimerFunction> timers = new ArrayList<>();
        for (Object instance : functionInstances) {
            Objects.requireNonNull(instance, "function instance");
            for (Method method : functionMethods(instance.getClass())) {
                String name = method.getAnnotation(FunctionName.class).value();
                String where = where(method);
                String previous = declaredBy.putIfAbsent(name, where);
                if (previous != null) {
                    throw new IllegalArgumentException("two functions are named '" + name + "': " + previous
                            + " and " + where + "; function names must be unique in a function app");
                }
                HttpTrigger http = triggerOf(method, HttpTrigger.class);
                ServiceBusQueueTrigger queue = triggerOf(method, ServiceBusQueueTrigger.class);
                TimerTrigger timer = triggerOf(method, TimerTrigger.class);
                if (http != null) {
                    HttpRoute route = new HttpRoute(name, http, instance, method);
                    routes.add(route);
                    infos.add(route.info());
                } else if (queue != null) {
                    String queueName = resolve(queue.queueName(), this.settings,
                            "function " + name + " (" + where + ") listens on queue '" + queue.queueName() + "'");
                    QueueTrigger trigger = new QueueTrigger(name, queueName, queue, instance, method);
                    QueueTrigger other = queues.putIfAbsent(queueName, trigger);
                    if (other != null) {
                        throw new IllegalArgumentException("functions " + other.functionName() + " and " + name
                                + " both listen on queue '" + queueName + "'; the local host delivers each"
                                + " message to one function, so give each its own queue");
                    }
                    infos.add(trigger.info());
                } else if (timer != null) {
                    String schedule = resolve(timer.schedule(), this.settings,
                            "function " + name + " (" + where + ") runs on schedule '" + timer.schedule() + "'");
                    TimerFunction function = new TimerFunction(name, schedule, timer, instance, method);
                    timers.add(function);
                    infos.add(function.info());
                } else {
                    FunctionInfo info = otherInfo(name, method);
                    LOG.info(() -> "function " + name + " (" + where + ") has a " + info.trigger()
                            + " trigger; the local host does not run it");
                    infos.add(info);
                }
            }
        }
        routes.sort(HttpRoute.PRECEDENCE);
        rejectAmbiguousRoutes(routes);
        this.httpRoutes = List.copyOf(routes);
        this.queueTriggers = Collections.unmodifiableMap(queues);
        timers.sort(Comparator.comparing(TimerFunction::functionName));
        this.timerFunctions = List.copyOf(timers);
        infos.sort(Comparator.comparing(FunctionInfo::name));
        this.functions = List.copyOf(infos);
    }

    /**
     * Lists the functions of classes from their annotations alone, without instances and without resolving
     * settings: queue names stay as written ({@code %CloneDbQueue%}).
     */
    public static List<FunctionInfo> describe(Class<?>... functionClasses) {
        List<FunctionInfo> infos = new ArrayList<>();
        for (Class<?> type : functionClasses) {
            for (Method method : functionMethods(type)) {
                String name = method.getAnnotation(FunctionName.class).value();
                HttpTrigger http = triggerOf(method, HttpTrigger.class);
                ServiceBusQueueTrigger queue = triggerOf(method, ServiceBusQueueTrigger.class);
                if (http != null) {
                    infos.add(httpInfo(name, http, method));
                } else if (queue != null) {
                    infos.add(queueInfo(name, queue.queueName(), queue, method));
                } else if (triggerOf(method, TimerTrigger.class) != null) {
                    infos.add(timerInfo(name, triggerOf(method, TimerTrigger.class).schedule(), method));
                } else {
                    infos.add(otherInfo(name, method));
                }
            }
        }
        infos.sort(Comparator.comparing(FunctionInfo::name));
        return List.copyOf(infos);
    }

    /** The settings the catalog resolved {@code %Setting%} references with. */
    public Map<String, String> settings() {
        return settings;
    }

    /** Every function found, by name, with what triggers it; for the host to print. */
    public List<FunctionInfo> functions() {
        return functions;
    }

    /** The HTTP routes, most specific first. */
    public List<HttpRoute> httpRoutes() {
        return httpRoutes;
    }

    /** The queue listeners. */
    public List<QueueTrigger> queueTriggers() {
        return List.copyOf(queueTriggers.values());
    }

    /** The timer-triggered functions, by name. */
    public List<TimerFunction> timerFunctions() {
        return timerFunctions;
    }

    /** The (resolved) names of the queues some function listens on. */
    public Set<String> queueNames() {
        return Collections.unmodifiableSet(queueTriggers.keySet());
    }

    /** The function that listens on {@code queueName} (compared ignoring case, as Service Bus does). */
    public Optional<QueueTrigger> queueTrigger(String queueName) {
        return Optional.ofNullable(queueTriggers.get(queueName));
    }

    /**
     * The routes whose template matches a request path, most specific first (a literal segment beats a
     * parameter, a parameter beats a catch-all), each with its route values. Empty when the path is not
     * under {@code /api/} or nothing matches.
     *
     * @param rawPath the request path as sent, still percent-encoded, e.g. {@code /api/deployments/42/log}
     */
    public List<RouteMatch> routesFor(String rawPath) {
        Optional<List<String>> segments = segmentsUnderPrefix(rawPath);
        if (segments.isEmpty()) {
            return List.of();
        }
        List<RouteMatch> matches = new ArrayList<>();
        for (HttpRoute route : httpRoutes) {
            route.match(segments.get()).ifPresent(values -> matches.add(new RouteMatch(route, values)));
        }
        return matches;
    }

    /**
     * Replaces each {@code %Name%} in {@code expression} with the setting's value.
     *
     * @param context what the expression is for, to start the error message with
     * @throws IllegalStateException naming the setting when it is missing or blank
     */
    public static String resolve(String expression, Map<String, String> settings, String context) {
        Matcher matcher = SETTING_REFERENCE.matcher(expression);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            String setting = matcher.group(1);
            String value = settings.get(setting);
            if (value == null || value.isBlank()) {
                throw new IllegalStateException(context + ", but the setting '" + setting + "' is not set. Add it"
                        + " to the local settings (the Values of local.settings.json), e.g. \"" + setting
                        + "\": \"" + suggestedQueueName(setting) + "\"");
            }
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(resolved);
        return resolved.toString();
    }

    private static String suggestedQueueName(String setting) {
        String base = setting.endsWith("Queue") && setting.length() > "Queue".length()
                ? setting.substring(0, setting.length() - "Queue".length()) : setting;
        return base.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static List<Method> functionMethods(Class<?> type) {
        List<Method> methods = new ArrayList<>();
        for (Method method : type.getMethods()) {
            if (method.isAnnotationPresent(FunctionName.class) && !Modifier.isStatic(method.getModifiers())) {
                methods.add(method);
            }
        }
        methods.sort(Comparator.comparing((Method m) -> m.getAnnotation(FunctionName.class).value()));
        return methods;
    }

    private static <A extends Annotation> A triggerOf(Method method, Class<A> annotation) {
        for (Parameter parameter : method.getParameters()) {
            A found = parameter.getAnnotation(annotation);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static String where(Method method) {
        return method.getDeclaringClass().getSimpleName() + "." + method.getName();
    }

    private static FunctionInfo httpInfo(String name, HttpTrigger http, Method method) {
        return new FunctionInfo(name, TriggerKind.HTTP, where(method), List.of(http.methods()),
                templateOf(name, http), http.authLevel(), null, null);
    }

    private static FunctionInfo queueInfo(String name, String queueName, ServiceBusQueueTrigger queue, Method method) {
        return new FunctionInfo(name, TriggerKind.SERVICE_BUS_QUEUE, where(method), List.of(), null, null,
                queueName, queue.connection());
    }

    private static FunctionInfo timerInfo(String name, String schedule, Method method) {
        return new FunctionInfo(name, TriggerKind.TIMER, where(method), List.of(), null, null, null, "TimerTrigger",
                schedule);
    }

    private static FunctionInfo otherInfo(String name, Method method) {
        String trigger = "unknown";
        for (Parameter parameter : method.getParameters()) {
            for (Annotation annotation : parameter.getAnnotations()) {
                String simpleName = annotation.annotationType().getSimpleName();
                if (simpleName.endsWith("Trigger")) {
                    trigger = simpleName;
                }
            }
        }
        return new FunctionInfo(name, TriggerKind.OTHER, where(method), List.of(), null, null, null, trigger);
    }

    private static String templateOf(String functionName, HttpTrigger http) {
        String route = http.route() == null ? "" : http.route().trim();
        route = stripSlashes(route);
        return route.isEmpty() ? functionName : route;
    }

    private static String stripSlashes(String path) {
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        while (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(start, end);
    }

    private static Optional<List<String>> segmentsUnderPrefix(String rawPath) {
        if (rawPath == null) {
            return Optional.empty();
        }
        List<String> segments = new ArrayList<>(Arrays.asList(stripSlashes(rawPath).split("/", -1)));
        if (segments.isEmpty() || !segments.get(0).equalsIgnoreCase(ROUTE_PREFIX)) {
            return Optional.empty();
        }
        segments.remove(0);
        return Optional.of(segments);
    }

    private static void rejectAmbiguousRoutes(List<HttpRoute> routes) {
        for (int i = 0; i < routes.size(); i++) {
            for (int j = i + 1; j < routes.size(); j++) {
                HttpRoute a = routes.get(i);
                HttpRoute b = routes.get(j);
                if (a.shape().equals(b.shape()) && a.methodsOverlap(b)) {
                    throw new IllegalArgumentException("functions " + a.functionName() + " (" + a.template() + ") and "
                            + b.functionName() + " (" + b.template() + ") serve the same route with a common"
                            + " HTTP method; a request could not tell them apart");
                }
            }
        }
    }

    static String percentDecode(String raw) {
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return raw;
        }
    }

    private static Object call(Object target, Method method, Object[] arguments) throws Exception {
        try {
            return method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw e;
        }
    }

    private static void makeAccessible(Method method) {
        try {
            method.setAccessible(true);
        } catch (RuntimeException e) {
            // A public method of a public class needs no help; anything else fails clearly on invoke.
        }
    }

    private static String parameterName(Parameter parameter, int index, Method method) {
        return "parameter " + (index + 1) + " (" + parameter.getParameterizedType().getTypeName() + " "
                + parameter.getName() + ") of " + where(method);
    }

    /** What triggers a function. */
    public enum TriggerKind {
        HTTP, SERVICE_BUS_QUEUE, TIMER, OTHER
    }

    /**
     * One function, as the host prints it.
     *
     * @param name       the {@code @FunctionName}
     * @param kind       what triggers it
     * @param declaredBy {@code Class.method}
     * @param methods    HTTP methods (empty: any method; and for non-HTTP functions)
     * @param route      HTTP route template without the {@code api/} prefix, or null
     * @param authLevel  HTTP authorization level, or null
     * @param queueName  the queue (resolved in a catalog, as written in {@link #describe}), or null
     * @param connection the Service Bus connection setting name; for {@link TriggerKind#OTHER} and
     *                   {@link TriggerKind#TIMER}, the trigger annotation's name
     * @param schedule   a timer's NCRONTAB schedule (resolved in a catalog, as written in {@link #describe}), or null
     */
    public record FunctionInfo(String name, TriggerKind kind, String declaredBy, List<HttpMethod> methods,
                               String route, AuthorizationLevel authLevel, String queueName, String connection,
                               String schedule) {

        /** A function without a schedule (any trigger but a timer). */
        public FunctionInfo(String name, TriggerKind kind, String declaredBy, List<HttpMethod> methods, String route,
                            AuthorizationLevel authLevel, String queueName, String connection) {
            this(name, kind, declaredBy, methods, route, authLevel, queueName, connection, null);
        }

        /** For {@link TriggerKind#OTHER}, the trigger annotation's simple name. */
        public String trigger() {
            return kind == TriggerKind.OTHER || kind == TriggerKind.TIMER ? connection : kind.name();
        }

        /** {@code /api/} + route, or null for a non-HTTP function. */
        public String path() {
            return route == null ? null : "/" + ROUTE_PREFIX + "/" + route;
        }

        /** One line: {@code GetDeployment: GET /api/deployments/{id}} or {@code CloneDb: queue clone-db}. */
        public String summary() {
            switch (kind) {
                case HTTP:
                    String verbs = methods.isEmpty() ? "ANY"
                            : methods.stream().map(Enum::name).collect(Collectors.joining(","));
                    return name + ": " + verbs + " " + path() + " (auth " + authLevel + ")";
                case SERVICE_BUS_QUEUE:
                    return name + ": Service Bus queue " + queueName;
                case TIMER:
                    return name + ": timer, schedule " + schedule + " (UTC)";
                default:
                    return name + ": " + connection + " (not run by the local host)";
            }
        }
    }

    /** A route that matched a request path, with the route values taken from it (percent-decoded). */
    public record RouteMatch(HttpRoute route, Map<String, String> pathValues) {
    }

    private record Segment(String literal, String parameter, boolean catchAll) {

        int rank() {
            return literal != null ? 0 : catchAll ? 2 : 1;
        }

        String shape() {
            return literal != null ? literal.toLowerCase(Locale.ROOT) : catchAll ? "{*}" : "{}";
        }
    }

    private record Invocation(HttpRequestMessage<Optional<String>> request, Map<String, String> pathValues,
                              String body, String messageId, int deliveryCount, ExecutionContext context) {
    }

    private interface Binder {
        Object bind(Invocation invocation);
    }

    /** One HTTP-triggered function and its route. */
    public static final class HttpRoute {

        static final Comparator<HttpRoute> PRECEDENCE = (a, b) -> {
            int common = Math.min(a.segments.size(), b.segments.size());
            for (int i = 0; i < common; i++) {
                int byRank = Integer.compare(a.segments.get(i).rank(), b.segments.get(i).rank());
                if (byRank != 0) {
                    return byRank;
                }
            }
            int byLength = Integer.compare(b.segments.size(), a.segments.size());
            return byLength != 0 ? byLength : a.template.compareTo(b.template);
        };

        private final String functionName;
        private final String template;
        private final Set<HttpMethod> methods;
        private final AuthorizationLevel authLevel;
        private final List<Segment> segments;
        private final Object target;
        private final Method method;
        private final Binder[] binders;
        private final FunctionInfo info;

        private HttpRoute(String functionName, HttpTrigger trigger, Object target, Method method) {
            this.functionName = functionName;
            this.template = templateOf(functionName, trigger);
            this.methods = trigger.methods().length == 0 ? Collections.unmodifiableSet(EnumSet.allOf(HttpMethod.class))
                    : Collections.unmodifiableSet(EnumSet.copyOf(Arrays.asList(trigger.methods())));
            this.authLevel = trigger.authLevel();
            this.segments = parseTemplate(template, functionName);
            this.target = target;
            this.method = method;
            this.binders = binders(method);
            this.info = httpInfo(functionName, trigger, method);
            makeAccessible(method);
        }

        public String functionName() {
            return functionName;
        }

        /** The route template as declared, without the {@code api/} prefix, e.g. {@code deployments/{id}/log}. */
        public String template() {
            return template;
        }

        /** {@code /api/} + the template. */
        public String path() {
            return "/" + ROUTE_PREFIX + "/" + template;
        }

        /** The methods it accepts (every method when the trigger lists none). */
        public Set<HttpMethod> methods() {
            return methods;
        }

        public boolean accepts(HttpMethod method) {
            return methods.contains(method);
        }

        /** As declared; the local host requires no key at any level. */
        public AuthorizationLevel authLevel() {
            return authLevel;
        }

        public FunctionInfo info() {
            return info;
        }

        /**
         * Calls the function.
         *
         * @param request    the request, handed to the {@code @HttpTrigger} parameter
         * @param pathValues the route values, for {@code @BindingName} parameters
         * @param context    the execution context
         * @return what the function returned (normally an {@code HttpResponseMessage})
         * @throws Exception what the function threw
         */
        public Object invoke(HttpRequestMessage<Optional<String>> request, Map<String, String> pathValues,
                             ExecutionContext context) throws Exception {
            Invocation invocation = new Invocation(request, pathValues == null ? Map.of() : pathValues, null, null, 0,
                    context);
            Object[] arguments = new Object[binders.length];
            for (int i = 0; i < binders.length; i++) {
                arguments[i] = binders[i].bind(invocation);
            }
            return call(target, method, arguments);
        }

        Optional<Map<String, String>> match(List<String> path) {
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < segments.size(); i++) {
                Segment segment = segments.get(i);
                if (segment.catchAll()) {
                    List<String> rest = path.subList(Math.min(i, path.size()), path.size());
                    values.put(segment.parameter(), percentDecode(String.join("/", rest)));
                    return Optional.of(values);
                }
                if (i >= path.size()) {
                    return Optional.empty();
                }
                String actual = path.get(i);
                if (segment.literal() != null) {
                    if (!segment.literal().equalsIgnoreCase(percentDecode(actual))) {
                        return Optional.empty();
                    }
                } else {
                    if (actual.isEmpty()) {
                        return Optional.empty();
                    }
                    values.put(segment.parameter(), percentDecode(actual));
                }
            }
            return path.size() == segments.size() ? Optional.of(values) : Optional.empty();
        }

        String shape() {
            return segments.stream().map(Segment::shape).collect(Collectors.joining("/"));
        }

        boolean methodsOverlap(HttpRoute other) {
            return methods.stream().anyMatch(other.methods::contains);
        }

        private static List<Segment> parseTemplate(String template, String functionName) {
            List<Segment> parsed = new ArrayList<>();
            String[] parts = template.split("/", -1);
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i];
                if (part.startsWith("{") && part.endsWith("}") && part.length() > 2) {
                    String inner = part.substring(1, part.length() - 1);
                    boolean catchAll = inner.startsWith("*");
                    if (catchAll) {
                        inner = inner.substring(1);
                        if (i != parts.length - 1) {
                            throw unsupported(template, functionName, "a catch-all {*" + inner + "} must be the last segment");
                        }
                    }
                    int constraint = inner.indexOf(':');
                    String name = constraint < 0 ? inner : inner.substring(0, constraint);
                    if (name.isEmpty() || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                        throw unsupported(template, functionName, "'" + part + "' is not a parameter the local host"
                                + " understands ({name}, {name:constraint} or {*name})");
                    }
                    parsed.add(new Segment(null, name, catchAll));
                } else if (part.contains("{") || part.contains("}")) {
                    throw unsupported(template, functionName, "segment '" + part + "' mixes text and a parameter");
                } else if (part.isEmpty()) {
                    throw unsupported(template, functionName, "it has an empty segment");
                } else {
                    parsed.add(new Segment(part, null, false));
                }
            }
            return List.copyOf(parsed);
        }

        private static IllegalArgumentException unsupported(String template, String functionName, String why) {
            return new IllegalArgumentException("function " + functionName + " has route '" + template
                    + "' that the local host cannot serve: " + why);
        }

        private static Binder[] binders(Method method) {
            Parameter[] parameters = method.getParameters();
            Binder[] binders = new Binder[parameters.length];
            for (int i = 0; i < parameters.length; i++) {
                Parameter parameter = parameters[i];
                BindingName bindingName = parameter.getAnnotation(BindingName.class);
                if (parameter.isAnnotationPresent(HttpTrigger.class)
                        || (HttpRequestMessage.class.equals(parameter.getType()) && bindingName == null)) {
                    requireOptionalStringRequest(parameter, i, method);
                    binders[i] = Invocation::request;
                } else if (ExecutionContext.class.equals(parameter.getType())) {
                    binders[i] = Invocation::context;
                } else if (bindingName != null && String.class.equals(parameter.getType())) {
                    String name = bindingName.value();
                    binders[i] = invocation -> {
                        String value = invocation.pathValues().get(name);
                        if (value == null && invocation.request() != null) {
                            value = invocation.request().getQueryParameters().get(name);
                        }
                        return value;
                    };
                } else {
                    throw new IllegalArgumentException(parameterName(parameter, i, method) + " has no binding the local"
                            + " host can supply; it supplies the @HttpTrigger HttpRequestMessage<Optional<String>>,"
                            + " @BindingName String route values and ExecutionContext");
                }
            }
            return binders;
        }

        private static void requireOptionalStringRequest(Parameter parameter, int index, Method method) {
            if (!HttpRequestMessage.class.equals(parameter.getType())) {
                throw new IllegalArgumentException(parameterName(parameter, index, method)
                        + " carries @HttpTrigger but is not an HttpRequestMessage");
            }
            Type type = parameter.getParameterizedType();
            if (type instanceof ParameterizedType) {
                Type body = ((ParameterizedType) type).getActualTypeArguments()[0];
                boolean optionalString = body instanceof ParameterizedType
                        && Optional.class.equals(((ParameterizedType) body).getRawType())
                        && String.class.equals(((ParameterizedType) body).getActualTypeArguments()[0]);
                boolean anything = body instanceof WildcardType || Object.class.equals(body);
                if (!optionalString && !anything) {
                    throw new IllegalArgumentException(parameterName(parameter, index, method) + ": the local host hands"
                            + " functions an HttpRequestMessage<Optional<String>>; declare the parameter so");
                }
            }
        }

        @Override
        public String toString() {
            return info.summary();
        }
    }

    /** One Service Bus queue-triggered function. */
    public static final class QueueTrigger {

        private static final String MESSAGE_ID = "MessageId";
        private static final String DELIVERY_COUNT = "DeliveryCount";

        private final String functionName;
        private final String queueName;
        private final String queueNameExpression;
        private final String connection;
        private final Object target;
        private final Method method;
        private final Binder[] binders;
        private final FunctionInfo info;

        private QueueTrigger(String functionName, String queueName, ServiceBusQueueTrigger trigger, Object target,
                             Method method) {
            this.functionName = functionName;
            this.queueName = queueName;
            this.queueNameExpression = trigger.queueName();
            this.connection = trigger.connection();
            this.target = target;
            this.method = method;
            this.binders = binders(method);
            this.info = queueInfo(functionName, queueName, trigger, method);
            makeAccessible(method);
        }

        public String functionName() {
            return functionName;
        }

        /** The queue, its {@code %Setting%} references resolved, e.g. {@code clone-db}. */
        public String queueName() {
            return queueName;
        }

        /** The queue name as written in the annotation, e.g. {@code %CloneDbQueue%}. */
        public String queueNameExpression() {
            return queueNameExpression;
        }

        /** The connection setting's name (unused locally: the queue is in process). */
        public String connection() {
            return connection;
        }

        public FunctionInfo info() {
            return info;
        }

        /**
         * Calls the function with one message.
         *
         * @param body          the message body, for the {@code @ServiceBusQueueTrigger} parameter
         * @param messageId     for a {@code @BindingName("MessageId")} parameter
         * @param deliveryCount for a {@code @BindingName("DeliveryCount")} parameter (1 on first delivery)
         * @param context       the execution context
         * @throws Exception what the function threw
         */
        public void invoke(String body, String messageId, int deliveryCount, ExecutionContext context) throws Exception {
            Invocation invocation = new Invocation(null, Map.of(), body, messageId, deliveryCount, context);
            Object[] arguments = new Object[binders.length];
            for (int i = 0; i < binders.length; i++) {
                arguments[i] = binders[i].bind(invocation);
            }
            call(target, method, arguments);
        }

        private static Binder[] binders(Method method) {
            Parameter[] parameters = method.getParameters();
            Binder[] binders = new Binder[parameters.length];
            for (int i = 0; i < parameters.length; i++) {
                Parameter parameter = parameters[i];
                Class<?> type = parameter.getType();
                BindingName bindingName = parameter.getAnnotation(BindingName.class);
                if (parameter.isAnnotationPresent(ServiceBusQueueTrigger.class)) {
                    if (!String.class.equals(type)) {
                        throw new IllegalArgumentException(parameterName(parameter, i, method) + ": the local host hands"
                                + " a queue trigger its message body as a String; declare the parameter so");
                    }
                    binders[i] = Invocation::body;
                } else if (ExecutionContext.class.equals(type)) {
                    binders[i] = Invocation::context;
                } else if (bindingName != null && MESSAGE_ID.equals(bindingName.value()) && String.class.equals(type)) {
                    binders[i] = Invocation::messageId;
                } else if (bindingName != null && DELIVERY_COUNT.equals(bindingName.value())
                        && (int.class.equals(type) || Integer.class.equals(type))) {
                    binders[i] = Invocation::deliveryCount;
                } else if (bindingName != null && DELIVERY_COUNT.equals(bindingName.value()) && String.class.equals(type)) {
                    binders[i] = invocation -> Integer.toString(invocation.deliveryCount());
                } else {
                    throw new IllegalArgumentException(parameterName(parameter, i, method) + " has no binding the local"
                            + " host can supply; it supplies the @ServiceBusQueueTrigger String body,"
                            + " @BindingName(\"MessageId\") String, @BindingName(\"DeliveryCount\") int and"
                            + " ExecutionContext");
                }
            }
            return binders;
        }

        @Override
        public String toString() {
            return info.summary();
        }
    }

    /** One timer-triggered function. */
    public static final class TimerFunction {

        private final String functionName;
        private final NcrontabSchedule schedule;
        private final Object target;
        private final Method method;
        private final Binder[] binders;
        private final FunctionInfo info;

        private TimerFunction(String functionName, String schedule, TimerTrigger trigger, Object target, Method method) {
            this.functionName = functionName;
            try {
                this.schedule = NcrontabSchedule.parse(schedule);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("function " + functionName + " (" + where(method) + ") has a"
                        + " schedule the Functions runtime would refuse: " + e.getMessage(), e);
            }
            this.target = target;
            this.method = method;
            this.binders = binders(method);
            this.info = timerInfo(functionName, schedule, method);
            makeAccessible(method);
        }

        public String functionName() {
            return functionName;
        }

        /** The parsed schedule (its {@code %Setting%} resolved). */
        public NcrontabSchedule schedule() {
            return schedule;
        }

        public FunctionInfo info() {
            return info;
        }

        /**
         * Calls the function.
         *
         * @param timerInfo the timer-info JSON for the {@code @TimerTrigger} parameter
         * @throws Exception what the function threw
         */
        public void invoke(String timerInfo, ExecutionContext context) throws Exception {
            Invocation invocation = new Invocation(null, Map.of(), timerInfo, null, 0, context);
            Object[] arguments = new Object[binders.length];
            for (int i = 0; i < binders.length; i++) {
                arguments[i] = binders[i].bind(invocation);
            }
            call(target, method, arguments);
        }

        private static Binder[] binders(Method method) {
            Parameter[] parameters = method.getParameters();
            Binder[] binders = new Binder[parameters.length];
            for (int i = 0; i < parameters.length; i++) {
                Parameter parameter = parameters[i];
                if (parameter.isAnnotationPresent(TimerTrigger.class) && String.class.equals(parameter.getType())) {
                    binders[i] = Invocation::body;
                } else if (ExecutionContext.class.equals(parameter.getType())) {
                    binders[i] = Invocation::context;
                } else {
                    throw new IllegalArgumentException(parameterName(parameter, i, method) + " has no binding the local"
                            + " host can supply; it supplies the @TimerTrigger String (the timer info JSON) and"
                            + " ExecutionContext");
                }
            }
            return binders;
        }

        @Override
        public String toString() {
            return info.summary();
        }
    }
}
