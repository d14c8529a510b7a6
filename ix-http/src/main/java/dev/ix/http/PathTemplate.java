package dev.ix.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A route's path: segments matched exactly, or {@code {name}} variables that match one whole non-empty segment.
 * Immutable.
 */
final class PathTemplate {
    private final String template;
    private final String[] segments;
    /** Variable names by segment; null for literal segments. */
    private final String[] variables;

    PathTemplate(String template) {
        if (template == null || !template.startsWith("/")) {
            throw new IllegalArgumentException("path: '" + template + "' (expected: starting with /)");
        }
        this.template = template;
        this.segments = split(template);
        this.variables = new String[segments.length];
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            if (s.startsWith("{") && s.endsWith("}") && s.length() > 2) {
                variables[i] = s.substring(1, s.length() - 1);
            } else if (s.indexOf('{') >= 0 || s.indexOf('}') >= 0) {
                throw new IllegalArgumentException("path: '" + template + "', segment '" + s
                        + "' (expected: a whole segment {name}, or no braces)");
            }
        }
    }

    /**
     * @param path      a request's path
     * @param variables receives the variables' values when it matches (nothing otherwise)
     * @return whether {@code path} matches
     */
    boolean match(String[] path, Map<String, String> variables) {
        if (path.length != segments.length) {
            return false;
        }
        for (int i = 0; i < segments.length; i++) {
            if (this.variables[i] == null ? !segments[i].equals(path[i]) : path[i].isEmpty()) {
                return false;
            }
        }
        for (int i = 0; i < segments.length; i++) {
            if (this.variables[i] != null) {
                variables.put(this.variables[i], path[i]);
            }
        }
        return true;
    }

    /** @return the segments between slashes: {@code /} is one empty segment, {@code /a/} is {@code a} and empty */
    static String[] split(String path) {
        List<String> parts = new ArrayList<>();
        int start = 1;
        for (int i = 1; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                parts.add(path.substring(start, i));
                start = i + 1;
            }
        }
        return parts.toArray(String[]::new);
    }

    @Override
    public String toString() {
        return template;
    }
}
