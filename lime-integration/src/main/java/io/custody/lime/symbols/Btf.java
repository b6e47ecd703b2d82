package io.custody.lime.symbols;

import io.custody.evidence.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The BPF Type Format a kernel carries about itself ({@code /sys/kernel/btf/vmlinux}, or the {@code
 * .BTF} section of a vmlinux), read as hostile input: the header, the string section and every type
 * record, each kind with its own trailing data, per the kernel's {@code Documentation/bpf/btf.rst}.
 * Sizes, offsets, counts and type ids are checked against the data; a malformed file is an
 * {@link InvalidInputException} naming the byte offset.
 *
 * <p>Type ids start at 1 (0 is void). Little- and big-endian files are both read (the magic says).
 */
public final class Btf {

  /** The largest BTF read (a distribution kernel's is 5–6 MiB). */
  public static final int MAX_SIZE = 256 << 20;
  /** The most types (a kernel has ~150,000). */
  static final int MAX_TYPES = 2_000_000;

  /** BTF kinds. */
  public static final int INT = 1;
  public static final int PTR = 2;
  public static final int ARRAY = 3;
  public static final int STRUCT = 4;
  public static final int UNION = 5;
  public static final int ENUM = 6;
  public static final int FWD = 7;
  public static final int TYPEDEF = 8;
  public static final int VOLATILE = 9;
  public static final int CONST = 10;
  public static final int RESTRICT = 11;
  public static final int FUNC = 12;
  public static final int FUNC_PROTO = 13;
  public static final int VAR = 14;
  public static final int DATASEC = 15;
  public static final int FLOAT = 16;
  public static final int DECL_TAG = 17;
  public static final int TYPE_TAG = 18;
  public static final int ENUM64 = 19;

  /** A struct or union member: bit offset, and bit size when it is a bitfield (0 otherwise). */
  public record Member(String name, int type, long bitOffset, int bitSize) {}

  /** An enumerator. */
  public record Enumerator(String name, long value) {}

  /**
   * One type.
   *
   * @param sizeOrType the size (INT, STRUCT, UNION, ENUM, FLOAT, DATASEC) or the referred type id
   * @param intEncoding for INT: signed 1, char 2, bool 4
   * @param intBits for INT: the number of bits
   * @param count for ARRAY: elements; {@code type} their type
   * @param signedEnum an ENUM/ENUM64 whose values are signed (kind_flag)
   */
  public record Type(int id, int kind, String name, boolean kindFlag, long sizeOrType, int intEncoding, int intBits, int elementType,
      long count, List<Member> members, List<Enumerator> enumerators) {

    public long size() {
      return sizeOrType;
    }

    public int type() {
      return (int) sizeOrType;
    }
  }

  private final List<Type> types;

  private Btf(List<Type> types) {
    this.types = types;
  }

  /** The type of this id; id 0 (void) gives null. */
  public Type type(int id) {
    if (id <= 0 || id > types.size()) {
      return null;
    }
    return types.get(id - 1);
  }

  public int count() {
    return types.size();
  }

  public List<Type> types() {
    return types;
  }

  /**
   * @param name the file's name, for messages
   * @throws InvalidInputException when the data is not BTF or is malformed
   */
  public static Btf parse(byte[] data, String name) {
    if (data.length < 24 || data.length > MAX_SIZE) {
      throw bad(name, 0, "BTF of " + data.length + " bytes (24 to " + MAX_SIZE + " expected)");
    }
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    int magic = b.getShort(0) & 0xffff;
    if (magic == 0x9feb) {
      b.order(ByteOrder.BIG_ENDIAN);
    } else if (magic != 0xeb9f) {
      throw bad(name, 0, "no BTF magic (0xeB9F)");
    }
    if (data[2] != 1) {
      throw bad(name, 2, "BTF version " + data[2] + " (1 expected)");
    }
    long hdrLen = Integer.toUnsignedLong(b.getInt(4));
    long typeOff = Integer.toUnsignedLong(b.getInt(8));
    long typeLen = Integer.toUnsignedLong(b.getInt(12));
    long strOff = Integer.toUnsignedLong(b.getInt(16));
    long strLen = Integer.toUnsignedLong(b.getInt(20));
    if (hdrLen < 24 || hdrLen > data.length || hdrLen + typeOff + typeLen > data.length || hdrLen + strOff + strLen > data.length) {
      throw bad(name, 4, "the header's sections (types " + typeOff + "+" + typeLen + ", strings " + strOff + "+" + strLen
          + " after a " + hdrLen + "-byte header) lie outside the " + data.length + " bytes");
    }
    Strings strings = new Strings(data, (int) (hdrLen + strOff), (int) strLen, name);
    List<Type> types = new ArrayList<>();
    int at = (int) (hdrLen + typeOff);
    int end = (int) (at + typeLen);
    while (at < end) {
      if (types.size() >= MAX_TYPES) {
        throw bad(name, at, "more than " + MAX_TYPES + " types");
      }
      need(at, 12, end, name);
      int id = types.size() + 1;
      String tname = strings.at(b.getInt(at), at);
      int info = b.getInt(at + 4);
      int vlen = info & 0xffff;
      int kind = (info >>> 24) & 0x1f;
      boolean kflag = (info & 0x80000000) != 0;
      long sot = Integer.toUnsignedLong(b.getInt(at + 8));
      int start = at;
      at += 12;
      int enc = 0;
      int bits = 0;
      int elem = 0;
      long count = 0;
      List<Member> members = List.of();
      List<Enumerator> enums = List.of();
      switch (kind) {
        case INT -> {
          need(at, 4, end, name);
          int v = b.getInt(at);
          enc = (v >>> 24) & 0x0f;
          bits = v & 0xff;
          at += 4;
        }
        case PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG -> {
          // no trailing data
        }
        case ARRAY -> {
          need(at, 12, end, name);
          elem = b.getInt(at);
          count = Integer.toUnsignedLong(b.getInt(at + 8));
          at += 12;
        }
        case STRUCT, UNION -> {
          need(at, 12L * vlen, end, name);
          members = new ArrayList<>(vlen);
          for (int i = 0; i < vlen; i++, at += 12) {
            long off = Integer.toUnsignedLong(b.getInt(at + 8));
            members.add(new Member(strings.at(b.getInt(at), at), b.getInt(at + 4), kflag ? off & 0xffffff : off, kflag ? (int) (off >>> 24) : 0));
          }
        }
        case ENUM -> {
          need(at, 8L * vlen, end, name);
          enums = new ArrayList<>(vlen);
          for (int i = 0; i < vlen; i++, at += 8) {
            int v = b.getInt(at + 4);
            enums.add(new Enumerator(strings.at(b.getInt(at), at), kflag ? v : Integer.toUnsignedLong(v)));
          }
        }
        case ENUM64 -> {
          need(at, 12L * vlen, end, name);
          enums = new ArrayList<>(vlen);
          for (int i = 0; i < vlen; i++, at += 12) {
            long v = Integer.toUnsignedLong(b.getInt(at + 4)) | (long) b.getInt(at + 8) << 32;
            enums.add(new Enumerator(strings.at(b.getInt(at), at), v));
          }
        }
        case FUNC_PROTO -> {
          need(at, 8L * vlen, end, name);
          at += 8 * vlen;
        }
        case VAR -> {
          need(at, 4, end, name);
          at += 4;
        }
        case DATASEC -> {
          need(at, 12L * vlen, end, name);
          at += 12 * vlen;
        }
        case DECL_TAG -> {
          need(at, 4, end, name);
          at += 4;
        }
        default -> throw bad(name, start + 4, "unknown BTF kind " + kind + " (type " + id + ")");
      }
      types.add(new Type(id, kind, tname, kflag, sot, enc, bits, elem, count, members, enums));
    }
    Btf btf = new Btf(types);
    btf.checkReferences(name);
    return btf;
  }

  /** Every type id a type names exists. */
  private void checkReferences(String name) {
    for (Type t : types) {
      switch (t.kind()) {
        case PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, TYPE_TAG, VAR -> ref(t.type(), t, name);
        case ARRAY -> ref(t.elementType(), t, name);
        case STRUCT, UNION -> t.members().forEach(m -> ref(m.type(), t, name));
        default -> {
          // sizes, not references
        }
      }
    }
  }

  private void ref(long id, Type from, String name) {
    if (id < 0 || id > types.size()) {
      throw new InvalidInputException("Failed to read BTF '" + name + "': type " + from.id() + " refers to type " + id + ", which does not exist ("
          + types.size() + " types)");
    }
  }

  private static void need(long at, long n, long end, String name) {
    if (n < 0 || at + n > end) {
      throw bad(name, at, "a type record runs past the end of the type section (" + n + " bytes needed)");
    }
  }

  private static InvalidInputException bad(String name, long offset, String what) {
    return new InvalidInputException("Failed to read BTF '" + name + "' at byte " + offset + ": " + what);
  }

  /** The string section: NUL-terminated names, bounded. */
  private static final class Strings {
    private final byte[] data;
    private final int start;
    private final int length;
    private final String name;

    Strings(byte[] data, int start, int length, String name) {
      this.data = data;
      this.start = start;
      this.length = length;
      this.name = name;
    }

    String at(int offset, int where) {
      long off = Integer.toUnsignedLong(offset);
      if (off >= length) {
        throw bad(name, where, "a name offset " + off + " lies outside the " + length + "-byte string section");
      }
      int from = start + (int) off;
      int end = from;
      int max = Math.min(start + length, from + 4096);
      while (end < max && data[end] != 0) {
        end++;
      }
      return new String(data, from, end - from, StandardCharsets.UTF_8);
    }
  }
}
