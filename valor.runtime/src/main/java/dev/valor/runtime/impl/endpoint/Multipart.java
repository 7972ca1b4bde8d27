package dev.valor.runtime.impl.endpoint;

import dev.valor.api.plugin.PluginException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.fileupload.FileItemIterator;
import org.apache.commons.fileupload.FileItemStream;
import org.apache.commons.fileupload.FileUpload;
import org.apache.commons.fileupload.FileUploadException;
import org.apache.commons.fileupload.UploadContext;

/**
 * The parts of a {@code multipart/form-data} body, as {@code curl -F} sends them: a registration
 * with its artifact beside the definition. Parsed by Commons FileUpload (the bundle Felix HTTP
 * installs); a part named twice, or a malformed body, is refused with the reason.
 */
final class Multipart {

    /** One part: its form field name, the file name if it is a file, and its content. */
    record Part(String name, String filename, byte[] content) {}

    private Multipart() {}

    static boolean is(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    static Map<String, Part> parse(String contentType, byte[] body) throws PluginException {
        Map<String, Part> parts = new LinkedHashMap<>();
        try {
            FileItemIterator items = new FileUpload().getItemIterator(new Bytes(contentType, body));
            while (items.hasNext()) {
                FileItemStream item = items.next();
                byte[] content;
                try (InputStream in = item.openStream()) {
                    content = in.readAllBytes();
                }
                if (parts.put(item.getFieldName(), new Part(item.getFieldName(), item.getName(), content)) != null) {
                    throw new PluginException("the multipart body has the part '" + item.getFieldName() + "' twice");
                }
            }
        } catch (FileUploadException | IOException e) {
            throw new PluginException("the multipart body is malformed: " + e.getMessage());
        }
        return parts;
    }

    /** A body already read whole (within the router's body limit). */
    private record Bytes(String contentType, byte[] body) implements UploadContext {
        @Override
        public String getCharacterEncoding() {
            return "UTF-8";
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        @Deprecated
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long contentLength() {
            return body.length;
        }

        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(body);
        }
    }
}
