package io.orrery.ps.transport;

import io.orrery.ps.server.CapturedStderr;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ThrottledErrorLogTest {

    static int occurrences(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void aFloodOfAgentErrorsIsCountedButLoggedOnlyTheFirstTwentyThenEveryTenThousandth() {
        ThrottledErrorLog errors = new ThrottledErrorLog(LoggerFactory.getLogger(ThrottledErrorLogTest.class), "shard-0");
        String text;
        try (CapturedStderr err = new CapturedStderr()) {
            for (int i = 0; i < 25_000; i++) {
                errors.onError(new IllegalArgumentException("Unknown value: 7"));
            }
            text = err.text();
        }
        assertEquals(25_000, errors.count());
        assertEquals(20 + 2, occurrences(text, "agent error: agent=shard-0"), "20 in full, then at 10,000 and 20,000");
        assertEquals(20, occurrences(text, "at io.orrery.ps.transport.ThrottledErrorLogTest"), "stack traces of the first 20 only");
    }
}
