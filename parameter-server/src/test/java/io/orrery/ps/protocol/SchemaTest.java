package io.orrery.ps.protocol;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The schema carries an id, a version and a description on every message, field and type (STYLE.md, SBE). */
class SchemaTest {

    @Test
    void everyMessageFieldAndTypeIsDescribed() throws Exception {
        try (InputStream in = SchemaTest.class.getResourceAsStream("/sbe/orrery-ps-protocol.xml")) {
            assertNotNull(in, "schema on the classpath");
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            Element root = factory.newDocumentBuilder().parse(in).getDocumentElement();
            assertEquals("7107", root.getAttribute("id"));
            // 2: Challenge and JoinProof (the keyed join); 3: JoinAck.nextStep (the rejoin numbering)
            assertEquals("3", root.getAttribute("version"));
            for (String tag : new String[]{"message", "field", "data", "type", "composite", "enum", "validValue"}) {
                NodeList nodes = root.getElementsByTagNameNS("*", tag);
                for (int i = 0; i < nodes.getLength(); i++) {
                    Element e = (Element) nodes.item(i);
                    assertFalse(e.getAttribute("description").isBlank(), tag + " " + e.getAttribute("name") + " has no description");
                }
            }
        }
    }
}
