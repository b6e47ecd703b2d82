package io.custody.lime.symbols;

import io.custody.evidence.InvalidInputException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Volatility 3 symbol table (ISF, "intermediate symbol format", JSON) made from a kernel's BTF and
 * its symbol map, as dwarf2json makes one from DWARF: {@code base_types} (C integer, char, bool and
 * float types, {@code pointer}, {@code void}), {@code user_types} (structs and unions with each
 * field's byte offset; bitfields with their bit position and length; anonymous members kept, marked
 * {@code anonymous}, so Volatility reaches their fields through the parent), {@code enums},
 * {@code symbols} (System.map addresses; {@code linux_banner} with its text as constant data, which
 * is how Volatility matches a table to an image), and {@code metadata} naming where each part came
 * from. Typedefs and qualifiers (const, volatile, restrict, type tags) are seen through; anonymous
 * types get stable names from their BTF id ({@code unnamed_struct_1234}).
 */
public final class Isf {

  /** The ISF format version written (Volatility 3 reads 6.x). */
  public static final String FORMAT = "6.2.0";

  private final Btf btf;
  private final Map<String, Object> baseTypes = new TreeMap<>();
  private final Map<String, Object> userTypes = new TreeMap<>();
  private final Map<String, Object> enums = new TreeMap<>();
  private final Map<Integer, String> names = new HashMap<>();

  private Isf(Btf btf) {
    this.btf = btf;
  }

  /**
   * @param symbols name → address (System.map); may be empty
   * @param banner the kernel's banner ({@code /proc/version}: "Linux version …"), or null
   * @param sources what the table was made from, for its metadata (kind → name and SHA-256)
   * @return the ISF as a JSON-ready map
   */
  public static Map<String, Object> of(Btf btf, Map<String, Long> symbols, String banner, Map<String, Map<String, String>> sources,
      String producerVersion) {
    Isf isf = new Isf(btf);
    isf.baseTypes.put("pointer", base("int", 8, false));
    isf.baseTypes.put("void", base("void", 0, false));
    java.util.Set<String> taken = new java.util.HashSet<>();
    java.util.Set<String> enumTaken = new java.util.HashSet<>();
    for (Btf.Type t : btf.types()) { // names first: a field may name a type defined later
      if (t.kind() == Btf.STRUCT || t.kind() == Btf.UNION || t.kind() == Btf.ENUM || t.kind() == Btf.ENUM64) {
        boolean user = t.kind() == Btf.STRUCT || t.kind() == Btf.UNION;
        String n = t.name().isEmpty()
            ? "unnamed_" + (t.kind() == Btf.UNION ? "union" : t.kind() == Btf.STRUCT ? "struct" : "enum") + "_" + t.id() : t.name();
        if (!(user ? taken : enumTaken).add(n)) {
          n = n + "_" + t.id(); // another type of the same name (rare in a deduplicated kernel BTF)
          (user ? taken : enumTaken).add(n);
        }
        isf.names.put(t.id(), n);
      }
    }
    for (Btf.Type t : btf.types()) {
      switch (t.kind()) {
        case Btf.INT -> isf.baseTypes.putIfAbsent(t.name(), intBase(t));
        case Btf.FLOAT -> isf.baseTypes.putIfAbsent(t.name(), base("float", (int) t.size(), true));
        case Btf.STRUCT, Btf.UNION -> isf.userType(t);
        case Btf.ENUM, Btf.ENUM64 -> isf.enumType(t);
        default -> {
          // referred to, not listed
        }
      }
    }
    for (Btf.Type t : btf.types()) {
      if (t.kind() == Btf.FWD && !isf.userTypes.containsKey(t.name()) && !t.name().isEmpty()) {
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("kind", t.kindFlag() ? "union" : "struct");
        u.put("size", 0);
        u.put("fields", Map.of());
        isf.userTypes.put(t.name(), u); // declared, never defined in this kernel's BTF
      }
    }
    Map<String, Object> syms = new TreeMap<>();
    symbols.forEach((n, a) -> {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("address", new BigInteger(Long.toUnsignedString(a)));
      syms.put(n, s);
    });
    isf.typeSymbols(syms);
    if (banner != null) {
      @SuppressWarnings("unchecked")
      Map<String, Object> s = (Map<String, Object>) syms.computeIfAbsent("linux_banner", k -> new LinkedHashMap<String, Object>());
      s.putIfAbsent("address", BigInteger.ZERO);
      String text = banner.endsWith("\n") ? banner : banner + "\n";
      byte[] bytes = (text + "\0").getBytes(StandardCharsets.UTF_8);
      s.put("type", Map.of("kind", "array", "count", bytes.length, "subtype", Map.of("kind", "base", "name", "char")));
      s.put("constant_data", Base64.getEncoder().encodeToString(bytes));
    }
    // Volatility's schema names only dwarf, symtab and system-map as sources: the symbol map is one;
    // the BTF the types came from is said in the producer, which the schema leaves open.
    Map<String, Object> linux = new LinkedHashMap<>();
    Map<String, Object> producer = new LinkedHashMap<>();
    producer.put("name", "custody");
    producer.put("version", producerVersion);
    sources.forEach((kind, info) -> {
      Map<String, Object> src = new LinkedHashMap<>();
      if (kind.equals("system-map") || kind.equals("kallsyms") || kind.equals("symtab")) {
        // the schema's symbol sources have a kind (kallsyms is a system map of one boot), a name and a hash only
        src.put("kind", kind.equals("symtab") ? kind : "system-map");
        if (info.containsKey("name")) {
          src.put("name", info.get("name"));
        }
        String hash = info.containsKey("sha256") ? info.get("sha256") : info.get("hash_value");
        if (hash != null) {
          src.put("hash_type", "sha256");
          src.put("hash_value", hash);
        }
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) linux.computeIfAbsent("symbols", k -> new java.util.ArrayList<>());
        list.add(src);
      } else {
        src.putAll(info);
        producer.put("types_from_" + kind, src);
      }
    });
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("format", FORMAT);
    meta.put("producer", producer);
    meta.put("linux", linux);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("metadata", meta);
    out.put("base_types", isf.baseTypes);
    out.put("user_types", isf.userTypes);
    out.put("enums", isf.enums);
    out.put("symbols", syms);
    return out;
  }

  private static Map<String, Object> base(String kind, int size, boolean signed) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind);
    m.put("size", size);
    m.put("signed", signed);
    m.put("endian", "little");
    return m;
  }

  private static Map<String, Object> intBase(Btf.Type t) {
    boolean signed = (t.intEncoding() & 1) != 0;
    String kind = (t.intEncoding() & 4) != 0 ? "bool" : (t.intEncoding() & 2) != 0 || t.size() == 1 && t.name().contains("char") ? "char" : "int";
    return base(kind, (int) t.size(), signed);
  }

  /** The name an ISF gives a struct, union or enum: its own, or one made from its id when anonymous (named before use). */
  private String nameOf(Btf.Type t) {
    return names.get(t.id());
  }

  private void userType(Btf.Type t) {
    String name = nameOf(t);
    Map<String, Object> fields = new LinkedHashMap<>();
    int unnamed = 0;
    for (Btf.Member m : t.members()) {
      Map<String, Object> f = new LinkedHashMap<>();
      Map<String, Object> type = describe(m.type(), 0);
      long bitOffset = m.bitOffset();
      if (m.bitSize() > 0) {
        Btf.Type storage = resolve(m.type());
        long unitBits = storage == null || storage.size() <= 0 ? 8 : storage.size() * 8;
        long byteOffset = (bitOffset / unitBits) * (unitBits / 8);
        Map<String, Object> bf = new LinkedHashMap<>();
        bf.put("kind", "bitfield");
        bf.put("bit_position", bitOffset - byteOffset * 8);
        bf.put("bit_length", m.bitSize());
        bf.put("type", type);
        f.put("type", bf);
        f.put("offset", byteOffset);
      } else {
        if (bitOffset % 8 != 0) {
          throw new InvalidInputException("Failed to make a symbol table: member '" + m.name() + "' of " + name + " starts at bit " + bitOffset
              + ", not on a byte, and is not a bitfield");
        }
        f.put("type", type);
        f.put("offset", bitOffset / 8);
      }
      String fname = m.name();
      if (fname.isEmpty()) {
        fname = "unnamed_field_" + Long.toHexString(bitOffset / 8) + (unnamed++ == 0 ? "" : "_" + unnamed);
        f.put("anonymous", true);
      }
      fields.put(fname, f);
    }
    Map<String, Object> u = new LinkedHashMap<>();
    u.put("kind", t.kind() == Btf.UNION ? "union" : "struct");
    u.put("size", t.size());
    u.put("fields", fields);
    userTypes.put(name, u);
  }

  private void enumType(Btf.Type t) {
    Map<String, Object> constants = new LinkedHashMap<>();
    for (Btf.Enumerator e : t.enumerators()) {
      constants.put(e.name(), e.value());
    }
    boolean signed = t.kindFlag();
    int size = (int) t.size();
    String base = switch (size) {
      case 1 -> signed ? "signed char" : "unsigned char";
      case 2 -> signed ? "short int" : "short unsigned int";
      case 8 -> signed ? "long long int" : "long long unsigned int";
      default -> signed ? "int" : "unsigned int";
    };
    baseTypes.putIfAbsent(base, base(size == 1 ? "char" : "int", size, signed));
    Map<String, Object> en = new LinkedHashMap<>();
    en.put("size", size);
    en.put("base", base);
    en.put("constants", constants);
    enums.put(nameOf(t), en);
  }

  /** The kernel globals whose types Volatility needs, from the BTF's per-CPU variables and {@link #KNOWN_TYPES}. */
  @SuppressWarnings("unchecked")
  private void typeSymbols(Map<String, Object> syms) {
    for (Btf.Type t : btf.types()) {
      if (t.kind() == Btf.VAR && syms.get(t.name()) instanceof Map<?, ?> s) {
        ((Map<String, Object>) s).putIfAbsent("type", describe(t.type(), 0));
      }
    }
    java.util.TreeMap<BigInteger, String> byAddress = new java.util.TreeMap<>();
    syms.forEach((n, v) -> {
      if (v instanceof Map<?, ?> m && m.get("address") instanceof BigInteger a) {
        byAddress.putIfAbsent(a, n);
      }
    });
    KNOWN_TYPES.forEach((name, expr) -> {
      if (syms.get(name) instanceof Map<?, ?> s && !s.containsKey("type")) {
        if (expr.endsWith("[]") && s.get("address") instanceof BigInteger at) {
          // an array whose length is a kernel constant: as many elements as fit before the next symbol (at
          // least the real count; the entries past it are never consulted for the bits a kernel can set)
          Map<String, Object> element = typeOf(expr.substring(0, expr.length() - 2));
          var next = byAddress.higherKey(at);
          long size = element == null ? 0 : elementSize(element);
          if (element != null && next != null && size > 0) {
            long count = Math.min(4096, next.subtract(at).longValue() / size);
            expr = expr.substring(0, expr.length() - 2) + "[" + count + "]";
          } else {
            return;
          }
        }
        Map<String, Object> type = typeOf(expr);
        if (type != null) {
          ((Map<String, Object>) s).put("type", type);
        }
      }
    });
  }

  /** The size of a struct, union or base type as described (0 when unknown). */
  private long elementSize(Map<String, Object> d) {
    Object name = d.get("name");
    Object kind = d.get("kind");
    if (("struct".equals(kind) || "union".equals(kind)) && userTypes.get(name) instanceof Map<?, ?> u && u.get("size") instanceof Number n) {
      return n.longValue();
    }
    if ("base".equals(kind) && baseTypes.get(name) instanceof Map<?, ?> b && b.get("size") instanceof Number n) {
      return n.longValue();
    }
    return "pointer".equals(kind) ? 8 : 0;
  }

  /** Declared C types of well-known kernel globals (kernel-symbol-types.txt). */
  static final Map<String, String> KNOWN_TYPES = knownTypes();

  private static Map<String, String> knownTypes() {
    Map<String, String> m = new LinkedHashMap<>();
    try (var in = Isf.class.getResourceAsStream("kernel-symbol-types.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String l = line.strip();
        if (!l.isEmpty() && !l.startsWith("#")) {
          String[] p = l.split("\\s+", 2);
          m.put(p[0], p[1].strip());
        }
      }
    } catch (java.io.IOException | NullPointerException e) {
      throw new IllegalStateException("kernel-symbol-types.txt is missing from the build", e);
    }
    return m;
  }

  /**
   * The ISF type of a declaration in kernel-symbol-types.txt ({@code struct task_struct}, {@code
   * gate_desc[256]}, {@code struct fb_info *[32]}, {@code {seq,timekeeper}}), or null when this
   * kernel's BTF has no such type.
   */
  Map<String, Object> typeOf(String expr) {
    String e = expr.strip();
    if (e.startsWith("{") && e.endsWith("}")) {
      List<String> want = List.of(e.substring(1, e.length() - 1).split(","));
      for (Btf.Type t : btf.types()) {
        if (t.kind() == Btf.STRUCT && t.name().isEmpty() && t.members().size() >= want.size()) {
          boolean match = true;
          for (int i = 0; i < want.size() && match; i++) {
            match = t.members().get(i).name().equals(want.get(i).strip());
          }
          if (match) {
            return describe(t.id(), 0);
          }
        }
      }
      return null;
    }
    if (e.endsWith("]")) {
      int open = e.lastIndexOf('[');
      Map<String, Object> sub = typeOf(e.substring(0, open));
      if (sub == null) {
        return null;
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("kind", "array");
      d.put("count", Long.parseLong(e.substring(open + 1, e.length() - 1)));
      d.put("subtype", sub);
      return d;
    }
    if (e.endsWith("*")) {
      Map<String, Object> sub = typeOf(e.substring(0, e.length() - 1));
      if (sub == null) {
        return null;
      }
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("kind", "pointer");
      d.put("subtype", sub);
      return d;
    }
    boolean struct = e.startsWith("struct ");
    boolean union = e.startsWith("union ");
    String name = struct ? e.substring(7).strip() : union ? e.substring(6).strip() : e;
    for (Btf.Type t : byName().getOrDefault(name, List.of())) {
      boolean fits = struct ? t.kind() == Btf.STRUCT : union ? t.kind() == Btf.UNION : t.kind() == Btf.INT || t.kind() == Btf.TYPEDEF;
      if (fits) {
        return describe(t.id(), 0);
      }
    }
    return null;
  }

  private Map<String, List<Btf.Type>> byName;

  /** The BTF's named types by name, built once (the symbol table looks up about 70 declarations). */
  private Map<String, List<Btf.Type>> byName() {
    if (byName == null) {
      byName = new HashMap<>();
      for (Btf.Type t : btf.types()) {
        if (!t.name().isEmpty()) {
          byName.computeIfAbsent(t.name(), k -> new java.util.ArrayList<>(1)).add(t);
        }
      }
    }
    return byName;
  }

  /** The type behind typedefs and qualifiers. */
  private Btf.Type resolve(int id) {
    Btf.Type t = btf.type(id);
    for (int hops = 0; t != null && hops < 64; hops++) {
      switch (t.kind()) {
        case Btf.TYPEDEF, Btf.VOLATILE, Btf.CONST, Btf.RESTRICT, Btf.TYPE_TAG -> t = btf.type(t.type());
        default -> {
          return t;
        }
      }
    }
    return t;
  }

  /** A field's type as ISF describes it. */
  private Map<String, Object> describe(int id, int depth) {
    Map<String, Object> d = new LinkedHashMap<>();
    if (depth > 64) {
      throw new InvalidInputException("Failed to make a symbol table: type " + id + " nests more than 64 pointers or arrays deep");
    }
    Btf.Type t = resolve(id);
    if (t == null) {
      d.put("kind", "base");
      d.put("name", "void");
      return d;
    }
    switch (t.kind()) {
      case Btf.INT, Btf.FLOAT -> {
        d.put("kind", "base");
        d.put("name", t.name());
      }
      case Btf.PTR -> {
        d.put("kind", "pointer");
        Btf.Type to = resolve(t.type());
        if (to != null && to.kind() == Btf.FUNC_PROTO) {
          d.put("subtype", Map.of("kind", "function"));
        } else {
          d.put("subtype", describe(t.type(), depth + 1));
        }
      }
      case Btf.ARRAY -> {
        d.put("kind", "array");
        d.put("count", t.count());
        d.put("subtype", describe(t.elementType(), depth + 1));
      }
      case Btf.STRUCT, Btf.UNION -> {
        d.put("kind", t.kind() == Btf.UNION ? "union" : "struct");
        d.put("name", nameOf(t));
      }
      case Btf.FWD -> {
        d.put("kind", t.kindFlag() ? "union" : "struct");
        d.put("name", t.name());
      }
      case Btf.ENUM, Btf.ENUM64 -> {
        d.put("kind", "enum");
        d.put("name", nameOf(t));
      }
      case Btf.FUNC_PROTO, Btf.FUNC -> d.put("kind", "function");
      default -> {
        d.put("kind", "base");
        d.put("name", "void");
      }
    }
    return d;
  }
}
