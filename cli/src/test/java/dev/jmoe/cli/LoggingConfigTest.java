package dev.jmoe.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.status.Status;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped logback.xml must configure cleanly: a broken one prints logback's status to stdout. */
class LoggingConfigTest {

    @Test
    void configurationLoadsWithoutErrorsAndIsQuietByDefault() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        int worst = context.getStatusManager().getCopyOfStatusList().stream()
                .mapToInt(Status::getLevel).max().orElse(Status.INFO);
        assertTrue(worst < Status.ERROR, "logback reported errors: " + context.getStatusManager().getCopyOfStatusList());
        assertTrue(context.getStatusManager().getCopyOfStatusList().stream()
                .anyMatch(s -> String.valueOf(s.getMessage()).contains("logback.xml")), "logback.xml was not found");
        assertEquals(Level.WARN, ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).getLevel());
    }
}
