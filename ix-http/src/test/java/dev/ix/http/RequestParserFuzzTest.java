package dev.ix.http;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz test of the parser: any bytes, checked by {@link ParserOracle}.
 *
 * <p>In a plain {@code ./mvnw verify} it runs in Jazzer's regression mode: once per file in
 * {@code src/test/resources/dev/ix/http/RequestParserFuzzTestInputs/parsesAnyInputConsistently/} (seed requests) and
 * once with an empty input. {@link RequestParserMutationTest} adds thousands of mutated requests to every build.
 * Fuzzing proper, coverage-guided, for {@code maxDuration} (a hang or a slow input is a finding too):
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -pl ix-http -am test -Dtest=RequestParserFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * Findings are written next to the seeds, where they then run in every build.
 */
class RequestParserFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void parsesAnyInputConsistently(byte[] input) {
        ParserOracle.check(input);
    }
}
