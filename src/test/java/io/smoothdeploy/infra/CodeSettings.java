package io.smoothdeploy.infra;

import com.microsoft.azure.functions.annotation.ServiceBusQueueTrigger;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import io.smoothdeploy.engine.Step;
import io.smoothdeploy.messaging.ServiceBusConnections;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The app settings the code reads, derived from the code itself.
 *
 * @param queueSettings   settings that hold a queue name: the Service Bus triggers' {@code %Setting%} queue
 *                        names (a {@code /$DeadLetterQueue} suffix stripped) and each {@link Step}'s queue setting
 * @param plainSettings   other settings: the timer's {@code %Setting%} schedule and what AzureComposition reads
 * @param connections     named connections: the triggers' {@code connection}, the sender's and the state store's
 * @param serviceBusTriggers how many Service Bus trigger parameters were found (to prove the scan saw them)
 * @param timerTriggers   how many timer trigger parameters were found
 */
record CodeSettings(Set<String> queueSettings, Set<String> plainSettings, Set<String> connections,
                    int serviceBusTriggers, int timerTriggers) {

    static final String FUNCTIONS_PACKAGE = "io.smoothdeploy.functions";
    static final String DEAD_LETTER_SUFFIX = "/$DeadLetterQueue";

    /**
     * Read by AzureComposition.build as string literals (settings.getOrDefault(...)), so they cannot be
     * reflected: keep this list in step with it. Its named constants (TABLE_CONNECTION, SUBSCRIPTION) are
     * reflected below.
     */
    static final List<String> AZURE_COMPOSITION_LITERAL_SETTINGS = List.of("StateTableName", "DeploymentIndexTableName");

    /**
     * Not read by our code but by the Functions host: its storage connection (the timer's singleton lock
     * lives there). Required in infra/ and in the sample like the code's own connections.
     */
    static final List<String> HOST_CONNECTIONS = List.of("AzureWebJobsStorage");

    CodeSettings {
        queueSettings = Collections.unmodifiableSet(new TreeSet<>(queueSettings));
        plainSettings = Collections.unmodifiableSet(new TreeSet<>(plainSettings));
        connections = Collections.unmodifiableSet(new TreeSet<>(connections));
    }

    /** All plain and queue settings (connections apart). */
    Set<String> settings() {
        Set<String> all = new TreeSet<>(queueSettings);
        all.addAll(plainSettings);
        return all;
    }

    CodeSettings withQueueSetting(String extra) {
        Set<String> queues = new TreeSet<>(queueSettings);
        queues.add(extra);
        return new CodeSettings(queues, plainSettings, connections, serviceBusTriggers, timerTriggers);
    }

    static CodeSettings fromCode() {
        Set<String> queueSettings = new TreeSet<>();
        Set<String> plainSettings = new TreeSet<>();
        Set<String> connections = new TreeSet<>();
        int serviceBus = 0;
        int timers = 0;
        for (Class<?> type : functionClasses()) {
            for (Method method : type.getDeclaredMethods()) {
                for (Annotation[] parameter : method.getParameterAnnotations()) {
                    for (Annotation annotation : parameter) {
                        if (annotation instanceof ServiceBusQueueTrigger trigger) {
                            serviceBus++;
                            queueSettings.add(settingName(trigger.queueName(), type, method));
                            connections.add(trigger.connection());
                        } else if (annotation instanceof TimerTrigger timer) {
                            timers++;
                            plainSettings.add(settingName(timer.schedule(), type, method));
                        }
                    }
                }
            }
        }
        for (Step step : Step.values()) {
            queueSettings.add(step.queueSetting()); // ServiceBusStepQueue sends to the queue this setting names
        }
        connections.add(ServiceBusConnections.DEFAULT_CONNECTION);
        for (Field field : compositionConstants()) {
            String value = constant(field);
            if (field.getName().contains("CONNECTION")) {
                connections.add(value);
            } else {
                plainSettings.add(value);
            }
        }
        plainSettings.addAll(AZURE_COMPOSITION_LITERAL_SETTINGS);
        connections.addAll(HOST_CONNECTIONS);
        return new CodeSettings(queueSettings, plainSettings, connections, serviceBus, timers);
    }

    /** {@code %CloneDbQueue%/$DeadLetterQueue} -> {@code CloneDbQueue}; a value that is not a %setting% is refused. */
    static String settingName(String expression, Class<?> type, Method method) {
        String value = expression.endsWith(DEAD_LETTER_SUFFIX)
                ? expression.substring(0, expression.length() - DEAD_LETTER_SUFFIX.length()) : expression;
        if (value.length() < 3 || !value.startsWith("%") || !value.endsWith("%")) {
            throw new IllegalStateException(type.getSimpleName() + "." + method.getName() + " uses '" + expression
                    + "', not a %Setting% reference: the value would be fixed in code, not in the app settings");
        }
        return value.substring(1, value.length() - 1);
    }

    private static List<Field> compositionConstants() {
        Class<?> composition;
        try {
            composition = Class.forName("io.smoothdeploy.app.AzureComposition", false, loader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        List<Field> fields = new ArrayList<>();
        for (Field field : composition.getDeclaredFields()) {
            int modifiers = field.getModifiers();
            if (Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers) && field.getType() == String.class) {
                fields.add(field);
            }
        }
        return fields;
    }

    private static String constant(Field field) {
        try {
            field.setAccessible(true);
            return (String) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Class<?>> functionClasses() {
        List<Class<?>> classes = new ArrayList<>();
        String folder = FUNCTIONS_PACKAGE.replace('.', '/');
        try {
            Enumeration<URL> roots = loader().getResources(folder);
            while (roots.hasMoreElements()) {
                URL root = roots.nextElement();
                if (!"file".equals(root.getProtocol())) {
                    continue;
                }
                try (Stream<Path> files = Files.list(Path.of(root.toURI()))) {
                    for (Path file : (Iterable<Path>) files::iterator) {
                        String name = file.getFileName().toString();
                        if (name.endsWith(".class")) {
                            String className = FUNCTIONS_PACKAGE + "." + name.substring(0, name.length() - 6);
                            classes.add(Class.forName(className, false, loader()));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException | ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return classes;
    }

    private static ClassLoader loader() {
        return CodeSettings.class.getClassLoader();
    }
}
