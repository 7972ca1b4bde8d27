package dev.valor.runtime.impl.nativeplugin;

import dev.valor.api.Vlugin;
import dev.valor.api.VluginProperties;
import dev.valor.api.plugin.PluginException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.osgi.framework.Constants;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The one Vlugin component of a bundle jar as its Declarative Services descriptor declares it,
 * read before anything is installed: the configuration a version is given must exist, bound to
 * its bundle, before SCR first sees the component, or SCR runs it unconfigured meanwhile (and
 * routes it at its declared prefix).
 *
 * @param configurationPid the PID its factory configurations are made for
 * @param route            {@code name} and {@code prefix} as {@code @VluginRoute} declares them
 */
record VluginComponent(String name, String configurationPid, Map<String, String> route) {

    /** Reads the bundle's Vlugin component; refuses a bundle with none, several, or one that ignores configuration. */
    static VluginComponent of(BundleJar jar) throws PluginException {
        String bundle = jar.manifest().getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
        bundle = bundle.split(";", 2)[0].strip();
        List<Element> vlugins = new ArrayList<>();
        DocumentBuilder parser = parser();
        for (Map.Entry<String, byte[]> descriptor : jar.descriptors().entrySet()) {
            Document doc;
            try {
                doc = parser.parse(new ByteArrayInputStream(descriptor.getValue()));
            } catch (SAXException | IOException e) {
                throw new PluginException(
                        "its component descriptor " + descriptor.getKey() + " is not valid XML: " + e.getMessage());
            }
            NodeList components = doc.getElementsByTagNameNS("*", "component");
            for (int i = 0; i < components.getLength(); i++) {
                Element component = (Element) components.item(i);
                if (providesVlugin(component)) {
                    vlugins.add(component);
                }
            }
        }
        if (vlugins.isEmpty()) {
            throw new PluginException(
                    "bundle " + bundle + " has no Declarative Services component providing " + Vlugin.class.getName());
        }
        if (vlugins.size() > 1) {
            List<String> names =
                    vlugins.stream().map(c -> c.getAttribute("name")).toList();
            throw new PluginException("bundle " + bundle + " has several Vlugin components (" + String.join(", ", names)
                    + "); one plugin runs one component");
        }
        Element component = vlugins.get(0);
        String name = component.getAttribute("name");
        if ("ignore".equals(component.getAttribute("configuration-policy"))) {
            throw new PluginException(
                    "its Vlugin component " + name
                            + " ignores configuration (configuration-policy=\"ignore\"): Valor configures each version it runs");
        }
        // SCR's rule: no configuration-pid means the component's name; "$" stands for it too.
        String pid = component.getAttribute("configuration-pid").strip().split("\\s+")[0];
        return new VluginComponent(name, pid.isEmpty() || pid.equals("$") ? name : pid, properties(component));
    }

    private static DocumentBuilder parser() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
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
        return Map.copyOf(route);
    }
}
