package io.orrery.spark.exchange;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointSecretTest {

    static final long TOKEN = 7_364_512_908_441_203_517L;

    @Test
    void theEndpointShippedInTaskClosuresNeverPrintsItsToken() throws Exception {
        ParameterServerExchange.Endpoint endpoint = new ParameterServerExchange.Endpoint(null, "10.0.0.5", 40123, 42,
                TOKEN, null, Duration.ofSeconds(30), Duration.ofSeconds(60), 0.01, 0);
        String text = endpoint.toString();
        assertFalse(text.contains(Long.toString(TOKEN)), text);
        assertFalse(text.contains(Long.toHexString(TOKEN)), text);
        assertTrue(text.contains("10.0.0.5:40123") && text.contains("jobId=42") && text.contains("token=<hidden>"), text);

        // Still the whole endpoint after a trip through Java serialization, as in a task closure.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(endpoint);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            ParameterServerExchange.Endpoint copy = (ParameterServerExchange.Endpoint) in.readObject();
            assertEquals(endpoint, copy);
            assertEquals(TOKEN, copy.token());
            assertFalse(copy.toString().contains(Long.toString(TOKEN)));
        }
    }
}
