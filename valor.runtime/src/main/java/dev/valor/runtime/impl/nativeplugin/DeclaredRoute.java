package dev.valor.runtime.impl.nativeplugin;

import dev.valor.api.Vlugin;
import dev.valor.api.VluginProperties;
import dev.valor.api.plugin.PluginException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Reads the route a bundle's Vlugin component declares ({@code @VluginRoute} becomes
 * {@code valor.name} and {@code valor.prefix} properties in its Declarative Services descriptor)
 * from the jar, before anything is installed.
 */
final class DeclaredRoute {

    private DeclaredRoute() {}

    /** {@code name} and {@code prefix} if exactly one Vlugin component declares them; empty otherwise. */
    static Map<String, String> of(Path jar) {
        Map<String, String> found = null;
        try {
            BundleJar bundle = BundleJar.read(jar);
            DocumentBuilder parser = parser();
            for (byte[] descriptor : bundle.descriptors().values()) {
                Document doc = parser.parse(new ByteArrayInputStream(descriptor));
                NodeList components = doc.getElementsByTagNameNS("*", "component");
                for (int i = 0; i < components.getLength(); i++) {
                    Element component = (Element) components.item(i);
                    if (providesVlugin(component)) {
                        if (found != null) {
                            return Map.of(); // several: no single route to speak of
                        }
                        found = properties(component);
                    }
                }
            }
        } catch (PluginException | IOException | SAXException | ParserConfigurationException e) {
            return Map.of(); // validation later says what is wrong with the jar
        }
        return found == null ? Map.of() : found;
    }

    private static DocumentBuilder parser() throws ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder();
    }

    private static boolean providesVlugin(Element component) {
        NodeList provides = component.getElementsByTagName("provide");
        for (int i = 0; i < provides.getLength(); i++) {
            if (Vlugin.class.getName().equals(((Element) provides.item(i)).getAttribute("interface"))) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> properties(Element component) {
        Map<String, String> route = new HashMap<>();
        NodeList properties = component.getElementsByTagName("property");
        for (int i = 0; i < properties.getLength(); i++) {
            Element p = (Element) properties.item(i);
            String value = p.hasAttribute("value")
                    ? p.getAttribute("value")
                    : p.getTextContent().strip();
            if (value.isBlank()) {
                continue;
            }
            if (VluginProperties.NAME.equals(p.getAttribute("name"))) {
                route.put("name", value);
            } else if (VluginProperties.PREFIX.equals(p.getAttribute("name"))) {
                route.put("prefix", value);
            }
        }
        return route;
    }
}
