package dev.flowpulse.ingest.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowpulse.ingest.IngestMetrics;
import java.io.IOException;
import java.net.ProtocolException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionEndTest {

    @Test
    void shouldNameTheCauseOfEachEndWithItsCloseCode() {
        assertThat(ConnectionEnd.closed(1000, "").cause()).isEqualTo("clean_close");
        assertThat(ConnectionEnd.closed(1000, "").codeLabel()).isEqualTo("1000");
        assertThat(ConnectionEnd.closed(1006, "").cause()).isEqualTo("tcp_drop");
        assertThat(ConnectionEnd.closed(1012, "Service Restart").cause()).isEqualTo("server_restart");
        assertThat(ConnectionEnd.closed(1001, "").cause()).isEqualTo("server_restart");
        assertThat(ConnectionEnd.closed(1002, "Invalid filter").cause()).isEqualTo("protocol_error");
        assertThat(ConnectionEnd.closed(1011, "").cause()).isEqualTo("server_error");
        assertThat(ConnectionEnd.closed(4000, "").cause()).isEqualTo("close_other");
        assertThat(ConnectionEnd.authFailed(1008, "Invalid token").cause()).isEqualTo("auth_failed");
        assertThat(ConnectionEnd.authFailed(1008, "").codeLabel()).isEqualTo("1008");
        assertThat(ConnectionEnd.authFailed(0, "HTTP 401").codeLabel()).isEqualTo("none");
        assertThat(ConnectionEnd.socketError(new IOException("Connection reset"))
                        .cause())
                .isEqualTo("tcp_drop");
        assertThat(ConnectionEnd.socketError(new ProtocolException("bad frame")).cause())
                .isEqualTo("protocol_error");
        assertThat(ConnectionEnd.socketError(new IllegalStateException("?")).cause())
                .isEqualTo("error");
        assertThat(ConnectionEnd.pingTimeout("silent").cause()).isEqualTo("ping_timeout");
        assertThat(ConnectionEnd.connectFailed("refused").cause()).isEqualTo("connect_failed");
        assertThat(ConnectionEnd.publishFailed().cause()).isEqualTo("publish_failed");
        assertThat(ConnectionEnd.stopped().cause()).isNull();
    }

    @Test
    void shouldPreRegisterEveryCauseItCanReport() {
        List<ConnectionEnd> ends = List.of(
                ConnectionEnd.closed(1000, ""),
                ConnectionEnd.closed(1006, ""),
                ConnectionEnd.closed(1001, ""),
                ConnectionEnd.closed(1002, ""),
                ConnectionEnd.closed(1011, ""),
                ConnectionEnd.closed(4000, ""),
                ConnectionEnd.authFailed(0, ""),
                ConnectionEnd.socketError(new IllegalStateException()),
                ConnectionEnd.pingTimeout(""),
                ConnectionEnd.connectFailed(""),
                ConnectionEnd.publishFailed());
        assertThat(ends.stream().map(ConnectionEnd::cause).distinct())
                .containsExactlyInAnyOrderElementsOf(IngestMetrics.RECONNECT_CAUSES);
    }
}
