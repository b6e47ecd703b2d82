/**
 * The workstation agent: AWS gateways, containment playbooks, disk acquisition, device discovery,
 * read-only mounting, and the {@code custody} command line that ties every module together.
 */
package io.custody.collector;
