package dev.jmoe.host.kernel;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/** The JIT's progress as warm-ups watch it: its total compilation time, and a way to give it the CPU. */
public interface JitActivity {
    /** The JIT's total compilation time so far in ms, or -1 where the JVM does not tell. */
    long compileMillis();

    void pause(long millis);

    /** The running JVM's compiler, through its management bean. */
    static JitActivity running() {
        CompilationMXBean bean = ManagementFactory.getCompilationMXBean();
        boolean known = bean != null && bean.isCompilationTimeMonitoringSupported();
        return new JitActivity() {
            @Override
            public long compileMillis() {
                return known ? bean.getTotalCompilationTime() : -1;
            }

            @Override
            public void pause(long millis) {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }
}
