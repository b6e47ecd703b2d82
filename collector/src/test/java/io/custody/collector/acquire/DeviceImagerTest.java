package io.custody.collector.acquire;

import static org.assertj.core.api.Assertions.assertThat;

import io.custody.evidence.Sha256;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.Outcome;
import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.testing.Fixtures;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.CaseStore;
import io.custody.evidence.workspace.StorageOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unreadable sectors. This kernel has no device-mapper, so a dm "error" target cannot stand for a
 * failing disk; a source that fails reads at given offsets (the read seam of the imager) does.
 */
class DeviceImagerTest {

  @TempDir Path home;

  /** A disk of the given bytes whose sectors in [badFrom, badTo) always fail with EIO. */
  static ReadSource failing(byte[] data, long badFrom, long badTo) {
    return new ReadSource() {
      @Override
      public long size() {
        return data.length;
      }

      @Override
      public int read(long offset, byte[] b, int off, int len) throws IOException {
        if (offset >= data.length) {
          return -1;
        }
        int n = (int) Math.min(len, data.length - offset);
        if (offset < badTo && offset + n > badFrom) {
          throw new IOException("Input/output error");
        }
        System.arraycopy(data, (int) offset, b, off, n);
        return n;
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void unreadableSectors_zeroFilledRecordedAndPartial() throws Exception {
    byte[] data = Fixtures.data(3 << 20, 21);
    long badFrom = 1_000_448; // sector-aligned
    long badTo = badFrom + 8 * 512;
    Case kase = CaseStore.at(home, Fixtures.CLOCK).open("D-1", "E", null, null);
    DeviceImager.Result r = DeviceImager.image(kase, failing(data, badFrom, badTo), "vol-0bad", "test", StorageOptions.defaults(), ProgressListener.NONE);

    assertThat(r.partial()).isTrue();
    assertThat(r.unreadable()).containsExactly(new UnreadableRange(badFrom, 8 * 512, "Input/output error"));
    byte[] expected = data.clone();
    Arrays.fill(expected, (int) badFrom, (int) badTo, (byte) 0);
    assertThat(r.item().hashes().sha256()).isEqualTo(Sha256.digest(expected));
    assertThat(r.item().size()).isEqualTo(data.length);
    assertThat(r.item().notes()).contains("PARTIAL", "offset " + badFrom);
    assertThat(Files.readString(kase.dir().resolve(r.item().dir()).resolve("unreadable-ranges.csv")))
        .isEqualTo("offset,length,fill,error\n" + badFrom + ",4096,0x00,Input/output error\n");
    List<CustodyEntry> entries = kase.log().verify().entries();
    assertThat(entries.get(entries.size() - 1).outcome()).isEqualTo(Outcome.PARTIAL);
  }

  @Test
  void readableDisk_notPartial() throws Exception {
    byte[] data = Fixtures.data(2 << 20, 22);
    Case kase = CaseStore.at(home, Fixtures.CLOCK).open("D-2", "E", null, null);
    DeviceImager.Result r = DeviceImager.image(kase, failing(data, -1, -1), "vol-0good", "test",
        new StorageOptions(true, false, null, 1 << 20), ProgressListener.NONE);
    assertThat(r.partial()).isFalse();
    assertThat(r.item().hashes().sha256()).isEqualTo(Sha256.digest(data));
    assertThat(r.item().hashes().md5()).isNotNull();
    assertThat(r.item().segments()).hasSize(2);
  }
}
