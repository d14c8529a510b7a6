package dev.ix.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A route's path: segments matched exactly, or {@code {name}} variables that match one whole non-empty segment.
 * Matched against the request's path bytes as received (still percent-encoded), allocating nothing. Immutable.
 */
final class PathTemplate {
    private static final byte[] ROOT = {'/'};

    private final String template;
    /** The literal segments' bytes; null for variables. */
    private final byte[][] literals;
    /** Variable names in template order. */
    private final String[] variables;
    /** The whole template's bytes when it has no variable: matched in one comparison. */
    private final byte[] literalPath;

    PathTemplate(String template) {
        if (template == null || !template.startsWith("/")) {
            throw new IllegalArgumentException("path: '" + template + "' (expected: starting with /)");
        }
        this.template = template;
        List<String> segments = split(template);
        this.literals = new byte[segments.size()][];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            String s = segments.get(i);
            if (s.startsWith("{") && s.endsWith("}") && s.length() > 2) {
                names.add(s.substring(1, s.length() - 1));
            } else if (s.indexOf('{') >= 0 || s.indexOf('}') >= 0) {
                throw new IllegalArgumentException("path: '" + template + "', segment '" + s
                        + "' (expected: a whole segment {name}, or no braces)");
            } else {
                literals[i] = s.getBytes(StandardCharsets.UTF_8);
            }
        }
        this.variables = names.toArray(String[]::new);
        this.literalPath = variables.length == 0 ? template.getBytes(StandardCharsets.UTF_8) : null;
    }

    /** @return how many variables the template has */
    int variableCount() {
        return variables.length;
    }

    /** @return the index of variable {@code name} in template order, or -1 */
    int variableIndex(String name) {
        for (int i = 0; i < variables.length; i++) {
            if (variables[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @param head a request head whose path is matched
     * @param vars receives, per variable, the start and end offset of its value in {@code head.bytes()}; at least
     *             {@code 2 * variableCount()} long. Written even when the path does not match.
     * @return whether the path matches
     */
    boolean match(RequestHead head, int[] vars) {
        byte[] b = head.bytes();
        int end = head.pathEnd();
        int at = head.pathStart();
        if (at == end) {
            b = ROOT;
            at = 0;
            end = 1;
        }
        if (literalPath != null) {
            return Arrays.equals(b, at, end, literalPath, 0, literalPath.length);
        }
        at++; // the leading slash
        int variable = 0;
        for (int i = 0; i < literals.length; i++) {
            if (at > end) {
                return false; // the path has fewer segments
            }
            int segmentEnd = at;
            while (segmentEnd < end && b[segmentEnd] != '/') {
                segmentEnd++;
            }
            byte[] literal = literals[i];
            if (literal == null) {
                if (segmentEnd == at) {
                    return false;
                }
                vars[2 * variable] = at;
                vars[2 * variable + 1] = segmentEnd;
                variable++;
            } else if (!Arrays.equals(b, at, segmentEnd, literal, 0, literal.length)) {
                return false;
            }
            at = segmentEnd + 1;
        }
        return at > end; // no segment left
    }

    /** @return the segments between slashes: {@code /} is one empty segment, {@code /a/} is {@code a} and empty */
    private static List<String> split(String path) {
        List<String> parts = new ArrayList<>();
        int start = 1;
        for (int i = 1; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                parts.add(path.substring(start, i));
                start = i + 1;
            }
        }
        return parts;
    }

    @Override
    public String toString() {
        return template;
    }
}
