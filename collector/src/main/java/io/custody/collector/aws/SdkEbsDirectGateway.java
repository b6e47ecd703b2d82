package io.custody.collector.aws;

import io.custody.evidence.ids.SnapshotId;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.ebs.EbsClient;
import software.amazon.awssdk.services.ebs.model.GetSnapshotBlockResponse;

/** {@link EbsDirectGateway} over the AWS SDK. */
final class SdkEbsDirectGateway implements EbsDirectGateway {

  /** No block is larger than this, whatever a response claims. */
  static final int MAX_BLOCK = 1 << 20;

  private final EbsClient ebs;

  SdkEbsDirectGateway(EbsClient ebs) {
    this.ebs = ebs;
  }

  @Override
  public SnapshotBlocks listBlocks(SnapshotId snapshot) {
    List<Block> blocks = new ArrayList<>();
    long[] size = {0};
    int[] blockSize = {0};
    Calls.call("list", "blocks of snapshot '" + snapshot + "'", () -> {
      ebs.listSnapshotBlocksPaginator(r -> r.snapshotId(snapshot.value())).forEach(page -> {
        size[0] = page.volumeSize() == null ? size[0] : page.volumeSize();
        blockSize[0] = page.blockSize() == null ? blockSize[0] : page.blockSize();
        page.blocks().forEach(b -> blocks.add(new Block(b.blockIndex(), b.blockToken())));
      });
      return null;
    });
    return new SnapshotBlocks(size[0], blockSize[0], blocks);
  }

  @Override
  public BlockData getBlock(SnapshotId snapshot, int index, String token) {
    return Calls.call("read", "block " + index + " of snapshot '" + snapshot + "'", () -> {
      try (ResponseInputStream<GetSnapshotBlockResponse> in = ebs.getSnapshotBlock(r -> r.snapshotId(snapshot.value()).blockIndex(index).blockToken(token))) {
        GetSnapshotBlockResponse resp = in.response();
        byte[] data = readBounded(in);
        return new BlockData(data, resp.checksum(), resp.checksumAlgorithmAsString(), resp.dataLength());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  private static byte[] readBounded(InputStream in) throws IOException {
    byte[] b = in.readNBytes(MAX_BLOCK + 1);
    if (b.length > MAX_BLOCK) {
      throw new IOException("block larger than " + MAX_BLOCK + " bytes");
    }
    return b;
  }
}
