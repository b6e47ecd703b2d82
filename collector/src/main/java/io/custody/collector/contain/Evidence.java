package io.custody.collector.contain;

import io.custody.evidence.hash.ProgressListener;
import io.custody.evidence.workspace.Case;
import io.custody.evidence.workspace.Item;
import io.custody.evidence.workspace.ItemSpec;
import io.custody.evidence.workspace.ItemType;
import java.io.ByteArrayInputStream;
import java.util.Optional;

/** Small evidence the playbooks capture (AWS's answers, console output) as case items, once. */
final class Evidence {

  private final Case kase;

  Evidence(Case kase) {
    this.kase = kase;
  }

  Optional<Item> existing(ItemType type, String sourceId, String name) {
    return kase.findItem(type, sourceId, name);
  }

  Item add(ItemType type, String sourceId, String name, String origin, byte[] bytes) {
    return kase.add(ItemSpec.of(type, sourceId, name).origin(origin), new ByteArrayInputStream(bytes), bytes.length, ProgressListener.NONE);
  }

  byte[] read(Item item) {
    return kase.readSmallItem(item, 64 << 20);
  }

  static String describe(Item i) {
    return i.id() + " " + i.name() + " sha256 " + i.hashes().sha256().hex().substring(0, 16) + "…";
  }
}
