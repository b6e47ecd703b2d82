package io.custody.collector.acquire;

import io.custody.collector.aws.S3Gateway;
import io.custody.lime.ModuleLibrary;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The LiME module library's store: a bucket (the capture bucket) through the S3 gateway. */
public record S3LibraryStore(S3Gateway s3, String bucket) implements ModuleLibrary.Store {

  @Override
  public void put(String key, byte[] bytes, String contentType) {
    s3.putObject(bucket, key, bytes, contentType);
  }

  @Override
  public Optional<byte[]> getSmall(String key, int maxBytes) {
    return s3.getSmall(bucket, key, maxBytes);
  }

  @Override
  public List<String> keys(String prefix) {
    List<String> out = new ArrayList<>();
    s3.listObjects(bucket, prefix, o -> out.add(o.key()));
    return out;
  }

  @Override
  public String location() {
    return "s3://" + bucket;
  }
}
