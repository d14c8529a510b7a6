package dev.ix.transport.test;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs a test class that leaks on purpose in a nested JUnit engine, the way the build runs every class (extensions
 * auto-detected), so that a test can check what {@link LeakDetectionExtension} made of the leak. The class is
 * {@code @Disabled} so that it never runs on its own; the nested run turns that condition off. The leak is consumed
 * by the nested run, so the calling class stays green.
 */
public final class DeliberateLeaks {

    private DeliberateLeaks() {
    }

    /**
     * @param leakingClass a {@code @Disabled} class with one test that passes but leaks
     * @return why the class failed once its test had passed (the caller checks the message)
     */
    public static Throwable classFailureOf(Class<?> leakingClass) {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.conditions.deactivate", "org.junit.*DisabledCondition")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .selectors(selectClass(leakingClass))
                .execute();

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1).failed(0));
        List<Event> failedClasses = results.containerEvents().failed().list();
        assertThat(failedClasses).as("containers of %s that failed", leakingClass.getSimpleName()).hasSize(1);
        return failedClasses.get(0).getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable)
                .orElseThrow();
    }
}
