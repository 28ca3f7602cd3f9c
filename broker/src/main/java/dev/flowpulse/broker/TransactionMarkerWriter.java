package dev.flowpulse.broker;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.TransactionResult;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;

/**
 * Writes one transaction marker to a partition of this broker with Kafka's own {@code
 * WriteTxnMarkers} request, the one a transaction coordinator sends. {@code Admin} offers only
 * {@code abortTransaction}; a coordinator that recorded a commit needs the commit marker. One
 * request on a fresh plaintext connection (the embedded broker has no authorizer: the request's
 * {@code ClusterAction} check passes), client and broker from the same Kafka jars, so the request
 * is sent at the latest version both speak. Thread safe (no state).
 */
final class TransactionMarkerWriter {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final InetSocketAddress broker;

    TransactionMarkerWriter(InetSocketAddress broker) {
        this.broker = broker;
    }

    /**
     * @throws IllegalStateException with the broker's error when the marker was not written
     */
    void write(
            TopicPartition partition,
            long producerId,
            short producerEpoch,
            int coordinatorEpoch,
            TransactionResult result,
            short transactionVersion) {
        short version = ApiKeys.WRITE_TXN_MARKERS.latestVersion();
        WriteTxnMarkersRequest request = new WriteTxnMarkersRequest.Builder(
                        List.of(new WriteTxnMarkersRequest.TxnMarkerEntry(
                                producerId,
                                producerEpoch,
                                coordinatorEpoch,
                                result,
                                List.of(partition),
                                transactionVersion)))
                .build(version);
        RequestHeader header =
                new RequestHeader(ApiKeys.WRITE_TXN_MARKERS, version, "flowpulse-embedded-broker-transaction-guard", 1);
        ByteBuffer bytes = request.serializeWithHeader(header);
        WriteTxnMarkersResponse response;
        try (Socket socket = new Socket()) {
            socket.connect(broker, (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            byte[] frame = new byte[bytes.remaining()];
            bytes.get(frame);
            out.writeInt(frame.length);
            out.write(frame);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            response = (WriteTxnMarkersResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(body), header);
        } catch (IOException e) {
            throw new IllegalStateException("WriteTxnMarkers to " + broker + " failed: " + e, e);
        }
        Errors error = response.errorsByProducerId()
                .getOrDefault(producerId, Map.of())
                .getOrDefault(partition, Errors.UNKNOWN_SERVER_ERROR);
        if (error != Errors.NONE) {
            throw new IllegalStateException(
                    "The broker refused the " + result + " marker for " + partition + ": " + error.name());
        }
    }
}
