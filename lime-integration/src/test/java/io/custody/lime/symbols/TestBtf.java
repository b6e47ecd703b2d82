package io.custody.lime.symbols;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A small BTF as the kernel's build lays one out (little-endian, types then strings), built type by
 * type: ids are given in the order of the calls, starting at 1, so a type may name one added later.
 */
public final class TestBtf {

  private final java.io.ByteArrayOutputStream types = new java.io.ByteArrayOutputStream();
  private final java.io.ByteArrayOutputStream strings = new java.io.ByteArrayOutputStream();
  private final Map<String, Integer> offsets = new HashMap<>();
  private int next = 1;

  public TestBtf() {
    strings.write(0);
    offsets.put("", 0);
  }

  private int str(String s) {
    return offsets.computeIfAbsent(s, k -> {
      int at = strings.size();
      strings.writeBytes((k + "\0").getBytes(StandardCharsets.UTF_8));
      return at;
    });
  }

  private void u32(long v) {
    types.writeBytes(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
  }

  private int head(String name, int kind, int vlen, long sizeOrType) {
    u32(str(name));
    u32((long) kind << 24 | vlen);
    u32(sizeOrType);
    return next++;
  }

  /** @param encoding 1 signed, 2 char, 4 bool */
  public int integer(String name, int size, int encoding) {
    int id = head(name, Btf.INT, 0, size);
    u32((long) encoding << 24 | size * 8L);
    return id;
  }

  public int pointer(int to) {
    return head("", Btf.PTR, 0, to);
  }

  public int array(int element, int index, int count) {
    int id = head("", Btf.ARRAY, 0, 0);
    u32(element);
    u32(index);
    u32(count);
    return id;
  }

  /** @param members name, type id, byte offset; repeated */
  public int struct(String name, int size, Object... members) {
    int id = head(name, Btf.STRUCT, members.length / 3, size);
    for (int i = 0; i < members.length; i += 3) {
      u32(str((String) members[i]));
      u32((Integer) members[i + 1]);
      u32((Integer) members[i + 2] * 8L);
    }
    return id;
  }

  public int typedef(String name, int to) {
    return head(name, Btf.TYPEDEF, 0, to);
  }

  /** A variable (the kernel's BTF holds its per-CPU ones). */
  public int variable(String name, int type) {
    int id = head(name, Btf.VAR, 0, type);
    u32(1); // global
    return id;
  }

  public byte[] bytes() {
    byte[] t = types.toByteArray();
    byte[] s = strings.toByteArray();
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(24 + t.length + s.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24).putInt(0).putInt(t.length).putInt(t.length).putInt(s.length);
    return b.put(t).put(s).array();
  }

  /**
   * The types the symbol table's typing needs, as a kernel's BTF has them: task_struct, list_head,
   * timekeeper inside the anonymous struct of tk_core (after another anonymous struct that also starts
   * with seq, a decoy), taint_flag (3 bytes), the typedef u32; and current_task, a per-CPU variable.
   */
  public static byte[] kernelLike() {
    TestBtf b = new TestBtf();
    int integer = b.integer("int", 4, 1); // 1
    int ulong = b.integer("long unsigned int", 8, 0); // 2
    int chr = b.integer("char", 1, 3); // 3
    int listHead = b.struct("list_head", 16, "next", 5, 0, "prev", 5, 8); // 4
    b.pointer(listHead); // 5
    int comm = b.array(chr, integer, 16); // 6
    int task = b.struct("task_struct", 48, "pid", integer, 0, "tasks", listHead, 8, "comm", comm, 24, "state", ulong, 40); // 7
    int seqcount = b.struct("seqcount_raw_spinlock", 4, "sequence", integer, 0); // 8
    int timekeeper = b.struct("timekeeper", 16, "xtime_sec", ulong, 0, "raw_sec", ulong, 8); // 9
    b.struct("", 16, "seq", seqcount, 0, "lock", integer, 4, "other", ulong, 8); // 10: the decoy {seq, lock}
    b.struct("", 24, "seq", seqcount, 0, "timekeeper", timekeeper, 8); // 11: tk_core's
    b.struct("taint_flag", 3, "c_true", chr, 0, "c_false", chr, 1, "module", chr, 2); // 12
    b.typedef("u32", b.integer("unsigned int", 4, 0)); // 14 → 13
    b.variable("current_task", b.pointer(task)); // 16 → 15
    return b.bytes();
  }
}
