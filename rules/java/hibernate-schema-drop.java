import java.util.*;

public class PersistenceConfig {
    Properties hibernateProperties() {
        Properties props = new Properties();
        props.put("hibernate.connection.url", System.getenv("DB_URL"));
        // ruleid: java.hibernate-schema-drop
        props.put("hibernate.hbm2ddl.auto", "create-drop");
        // ok: java.hibernate-schema-drop
        props.put("hibernate.show_sql", "false");
        return props;
    }

    Map<String, Object> jpaProperties() {
        Map<String, Object> props = new HashMap<>();
        // ruleid: java.hibernate-schema-drop
        props.put("hibernate.hbm2ddl.auto", "create");
        // ruleid: java.hibernate-schema-drop
        props.put("jakarta.persistence.schema-generation.database.action", "drop-and-create");
        return props;
    }

    Map<String, Object> safeProperties() {
        Map<String, Object> props = new HashMap<>();
        // ok: java.hibernate-schema-drop
        props.put("hibernate.hbm2ddl.auto", "validate");
        return props;
    }
}
