package io.custody.evidence.bundle;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.custody.evidence.HashAlgorithm;
import io.custody.evidence.Json;
import io.custody.evidence.custody.CustodyEntry;
import io.custody.evidence.custody.CustodyObject;
import io.custody.evidence.segment.Segment;
import io.custody.evidence.workspace.CaseInfo;
import io.custody.evidence.workspace.Item;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code case/case-uco.jsonld}: the case as CASE/UCO 1.x JSON-LD, derived from the manifest and the
 * custody log: the investigation, the examiner, the tool, every item and stored file with its hashes
 * and provenance record, and every custody entry as an investigative action. Node ids end with UUIDs
 * derived from the bundle id, so the same bundle always gives the same graph.
 */
final class UcoExport {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final String bundleId;
  private final ArrayNode graph = F.arrayNode();
  private final Map<String, String> itemFiles = new HashMap<>();

  private UcoExport(String bundleId) {
    this.bundleId = bundleId;
  }

  static byte[] write(String bundleId, CaseInfo info, String toolVersion, List<Item> items, List<CustodyEntry> entries) {
    return new UcoExport(bundleId).build(info, toolVersion, items, entries);
  }

  private byte[] build(CaseInfo info, String toolVersion, List<Item> items, List<CustodyEntry> entries) {
    String examiner = id("examiner", info.examiner());
    node(examiner, "uco-identity:Person").put("uco-core:name", info.examiner());
    String tool = id("tool", "custody");
    node(tool, "uco-tool:Tool").put("uco-core:name", "custody").put("uco-tool:version", toolVersion);

    ArrayNode investigationObjects = F.arrayNode();
    for (Item item : items) {
      String raw = file(item.id() + "/raw", item.name(), item.size(), item.hashes().sha256().hex(),
          item.hashes().md5(), item.hashes().sha1());
      itemFiles.put(item.id(), raw);
      ArrayNode provenanceObjects = F.arrayNode().add(ref(raw));
      for (Segment seg : item.segments()) {
        provenanceObjects.add(ref(file(item.id() + "/" + seg.file(), seg.file(), seg.storedSize(), seg.storedSha256().hex(), null, null)));
      }
      String prov = id("provenance", item.id());
      ObjectNode p = node(prov, "case-investigation:ProvenanceRecord");
      p.put("case-investigation:exhibitNumber", item.id());
      p.put("uco-core:description", item.type().label() + " evidence from " + item.sourceId()
          + (item.origin() == null ? "" : " (" + item.origin() + ")") + ", stored under " + item.dir());
      p.set("uco-core:object", provenanceObjects);
      investigationObjects.add(ref(prov));
    }
    for (CustodyEntry e : entries) {
      String action = id("action", Long.toString(e.seq()));
      ObjectNode a = node(action, "case-investigation:InvestigativeAction");
      a.put("uco-core:name", e.event() + " (" + e.outcome().label() + ")");
      if (e.notes() != null) {
        a.put("uco-core:description", e.notes());
      }
      a.set("uco-action:startTime", typed("xsd:dateTime", e.timeUtc()));
      a.set("uco-action:performer", ref(examiner));
      a.set("uco-action:instrument", ref(tool));
      ArrayNode results = F.arrayNode();
      for (CustodyObject o : e.objects()) {
        if (o.itemId() != null && itemFiles.containsKey(o.itemId())) {
          results.add(ref(itemFiles.get(o.itemId())));
        }
      }
      if (!results.isEmpty()) {
        a.set("uco-action:result", results);
      }
      investigationObjects.add(ref(action));
    }
    ObjectNode inv = node(id("investigation", info.id()), "case-investigation:Investigation");
    inv.put("uco-core:name", info.id());
    if (info.description() != null) {
      inv.put("uco-core:description", info.description());
    }
    inv.set("uco-core:object", investigationObjects);

    ObjectNode doc = F.objectNode();
    doc.set("@context", context());
    doc.set("@graph", graph);
    return Json.write(doc);
  }

  private String file(String key, String name, long size, String sha256, String md5, String sha1) {
    String id = id("file", key);
    ObjectNode f = node(id, "uco-observable:File");
    ArrayNode facets = F.arrayNode();
    ObjectNode ff = F.objectNode();
    ff.put("@id", id("file-facet", key));
    ff.put("@type", "uco-observable:FileFacet");
    ff.put("uco-observable:fileName", name);
    ff.set("uco-observable:sizeInBytes", typed("xsd:integer", Long.toString(size)));
    facets.add(ff);
    ObjectNode cf = F.objectNode();
    cf.put("@id", id("content-facet", key));
    cf.put("@type", "uco-observable:ContentDataFacet");
    ArrayNode hashes = F.arrayNode();
    hashes.add(hash(key, HashAlgorithm.SHA256, sha256));
    if (md5 != null) {
      hashes.add(hash(key, HashAlgorithm.MD5, md5));
    }
    if (sha1 != null) {
      hashes.add(hash(key, HashAlgorithm.SHA1, sha1));
    }
    cf.set("uco-observable:hash", hashes);
    facets.add(cf);
    f.set("uco-core:hasFacet", facets);
    return id;
  }

  private ObjectNode hash(String key, HashAlgorithm a, String hex) {
    ObjectNode h = F.objectNode();
    h.put("@id", id("hash", key + "/" + a.label()));
    h.put("@type", "uco-types:Hash");
    h.put("uco-types:hashMethod", a.name()); // SHA256, MD5, SHA1: members of HashNameVocab
    h.set("uco-types:hashValue", typed("xsd:hexBinary", hex));
    return h;
  }

  private ObjectNode node(String id, String type) {
    ObjectNode n = F.objectNode();
    n.put("@id", id);
    n.put("@type", type);
    graph.add(n);
    return n;
  }

  private String id(String kind, String key) {
    UUID u = UUID.nameUUIDFromBytes((bundleId + "\0" + kind + "\0" + key).getBytes(StandardCharsets.UTF_8));
    return "kb:" + kind + "-" + u;
  }

  private static ObjectNode ref(String id) {
    return F.objectNode().put("@id", id);
  }

  private static ObjectNode typed(String type, String value) {
    return F.objectNode().put("@type", type).put("@value", value);
  }

  private ObjectNode context() {
    ObjectNode c = F.objectNode();
    c.put("kb", "urn:custody:" + bundleId + ":");
    c.put("case-investigation", "https://ontology.caseontology.org/case/investigation/");
    c.put("uco-action", "https://ontology.unifiedcyberontology.org/uco/action/");
    c.put("uco-core", "https://ontology.unifiedcyberontology.org/uco/core/");
    c.put("uco-identity", "https://ontology.unifiedcyberontology.org/uco/identity/");
    c.put("uco-observable", "https://ontology.unifiedcyberontology.org/uco/observable/");
    c.put("uco-tool", "https://ontology.unifiedcyberontology.org/uco/tool/");
    c.put("uco-types", "https://ontology.unifiedcyberontology.org/uco/types/");
    c.put("xsd", "http://www.w3.org/2001/XMLSchema#");
    return c;
  }
}
