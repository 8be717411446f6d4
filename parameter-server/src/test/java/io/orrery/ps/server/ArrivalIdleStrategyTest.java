package io.orrery.ps.server;

import org.junit.jupiter.api.Test;

import static io.orrery.ps.server.ArrivalIdleStrategy.Action.BACK_OFF;
import static io.orrery.ps.server.ArrivalIdleStrategy.Action.NAP;
import static io.orrery.ps.server.ArrivalIdleStrategy.Action.YIELD;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ArrivalIdleStrategyTest {

    private static final long MS = 1_000_000;

    @Test
    void napsWhileWorkersComputeAndYieldsWhenTheirGradientsAreDue() {
        ArrivalIdleStrategy idle = new ArrivalIdleStrategy(io.orrery.ps.transport.DriverDemand.Flag.NONE);
        assertEquals(BACK_OFF, idle.decide(0), "nothing learned yet");
        idle.published(0);
        assertEquals(BACK_OFF, idle.decide(MS), "no gap known after the first publish");
        idle.arrived(4 * MS);                     // gap 4 ms
        idle.published(10 * MS);
        assertEquals(NAP, idle.decide(10 * MS));
        assertEquals(NAP, idle.decide(12 * MS));
        assertEquals(YIELD, idle.decide(13 * MS), "due at 3/4 of the gap");
        assertEquals(YIELD, idle.decide(17 * MS));
        assertEquals(BACK_OFF, idle.decide(18 * MS + 1), "late after twice the gap: back off");
        assertEquals(BACK_OFF, idle.decide(13 * MS), "and stays backing off until the next publish");
        idle.arrived(20 * MS);                    // gap 10 ms: average (7 * 4 + 10) / 8 = 4.75 ms
        assertEquals(BACK_OFF, idle.decide(20 * MS), "busy with a step: no expectation");
        idle.published(30 * MS);
        assertEquals(NAP, idle.decide(33 * MS));
        assertEquals(YIELD, idle.decide(33 * MS + 600_000));
    }
}
