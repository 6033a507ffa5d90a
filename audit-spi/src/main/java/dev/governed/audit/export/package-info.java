/** {@link dev.governed.audit.export.AuditExporter}: filtered export of audit files as JSON lines, CSV or OCSF. */
package dev.governed.audit.export;
