/**
 * The {@code chaos} command: a fault matrix run against real processes (a standalone parameter server and worker
 * JVMs over loopback UDP), one scenario per class, with the server's contribution ledger as the proof that no
 * gradient was applied twice.
 */
package io.orrery.examples.chaos;
