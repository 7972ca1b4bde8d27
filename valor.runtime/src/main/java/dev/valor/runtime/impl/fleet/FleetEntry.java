package dev.valor.runtime.impl.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.valor.api.plugin.PluginDefinition;
import dev.valor.api.plugin.PluginException;
import dev.valor.runtime.impl.definition.DefinitionFile;
import dev.valor.runtime.impl.state.StateFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One plugin of the fleet's set as Redis keeps it: its definition without a path (each node has
 * its own copy of the artifact), the artifact's SHA-256 and the file name it was registered with
 * (whose extension the handlers read).
 */
record FleetEntry(ObjectNode definition, String sha256, String file) {

    static FleetEntry of(PluginDefinition def, String sha256, String file) {
        ObjectNode node = DefinitionFile.toJson(def);
        node.remove("path");
        return new FleetEntry(node, sha256, file);
    }

    static FleetEntry parse(String json) throws PluginException {
        try {
            JsonNode node = DefinitionFile.JSON.readTree(json);
            if (node.get("definition") instanceof ObjectNode def
                    && node.path("sha256").asText("").matches("[0-9a-f]{64}")
                    && node.path("file").isTextual()) {
                return new FleetEntry(
                        def, node.get("sha256").asText(), node.get("file").asText());
            }
        } catch (IOException e) {
            // said below
        }
        throw new PluginException("the fleet holds an entry this node cannot read: " + json);
    }

    String json() {
        ObjectNode node = DefinitionFile.JSON.createObjectNode();
        node.set("definition", definition);
        node.put("sha256", sha256);
        node.put("file", file);
        return node.toString();
    }

    /**
     * Where a node keeps its copy in its copies' folder: under the hash, with the name it was
     * registered with (its extension tells its kind; errors name the file the user knows).
     */
    Path copyIn(Path copies) {
        String name = StateFiles.safeName(file);
        return copies.resolve(sha256).resolve(name.isEmpty() || name.startsWith(".") ? "_" + name : name);
    }

    /** The definition that runs on a node, its artifact that node's copy. */
    PluginDefinition definition(Path copy) throws PluginException {
        ObjectNode node = definition.deepCopy();
        node.put("path", copy.toString());
        DefinitionFile.Entry entry = DefinitionFile.entry(1, node);
        if (!entry.ok()) {
            throw new PluginException("the fleet's definition of " + entry.name() + " is invalid: " + entry.error());
        }
        return entry.definition();
    }
}
