/**
 * Memory acquisition with LiME: the LiME format reader and validator, the Custody-LiMECapture SSM
 * document and its host script, and the capture orchestration over SSM Run Command and S3
 * presigned multipart uploads. Depends on the evidence format only.
 */
package io.custody.lime;
