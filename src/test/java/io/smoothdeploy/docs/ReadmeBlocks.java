package io.smoothdeploy.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fenced code blocks of a Markdown file, each with its language and the name given by a
 * {@code <!-- readme-sample: NAME -->} comment on the line before it (null when there is none).
 */
final class ReadmeBlocks {

    private static final Pattern MARKER = Pattern.compile("^<!--\\s*readme-sample:\\s*([a-z0-9-]+)\\s*-->$");
    /** The first word of a line that runs something (or sets a shell variable). */
    private static final Pattern COMMAND = Pattern.compile("^(?:mvn|curl|java|deploy|az|npm|node|jq|[A-Z_]+=)\\b.*");

    private ReadmeBlocks() {
    }

    /** A fenced block: its name (or null), language, first line number (1-based) and text. */
    record Block(String name, String language, int line, String text) {

        /** The first line that is neither blank nor a comment. */
        String firstCommandLine() {
            return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst()
                    .orElse("");
        }

        /** A shell sample (as opposed to JSON, a diagram or a program's output). */
        boolean isCommand() {
            return (language.isEmpty() || language.equals("bash") || language.equals("sh"))
                    && COMMAND.matcher(firstCommandLine()).matches();
        }
    }

    static List<Block> parse(String markdown) {
        List<Block> blocks = new ArrayList<>();
        List<String> lines = markdown.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.startsWith("```")) {
                continue;
            }
            String language = line.substring(3).strip();
            String name = null;
            if (i > 0) {
                Matcher marker = MARKER.matcher(lines.get(i - 1).strip());
                if (marker.matches()) {
                    name = marker.group(1);
                }
            }
            StringBuilder text = new StringBuilder();
            int start = i + 1;
            for (i = i + 1; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                text.append(lines.get(i)).append('\n');
            }
            blocks.add(new Block(name, language, start + 1, text.toString()));
        }
        return blocks;
    }

    /**
     * The block cut into steps: each step is a comment line and the commands after it, up to the next comment
     * line; the lines before the first comment are a step too.
     */
    static List<String> steps(String text) {
        List<String> steps = new ArrayList<>();
        StringBuilder step = new StringBuilder();
        for (String line : text.lines().toList()) {
            if (line.startsWith("#") && !step.toString().strip().isEmpty()
                    && step.toString().lines().anyMatch(l -> !l.isBlank() && !l.startsWith("#"))) {
                steps.add(step.toString());
                step.setLength(0);
            }
            step.append(line).append('\n');
        }
        if (!step.toString().isBlank()) {
            steps.add(step.toString());
        }
        return steps;
    }
}
