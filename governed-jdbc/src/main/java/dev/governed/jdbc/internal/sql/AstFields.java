package dev.governed.jdbc.internal.sql;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of JSqlParser's node classes that can hold other nodes, found once per class.
 * Walking all of them is what lets the tree walker count what it has no rule for.
 */
final class AstFields {

    private static final String JSQLPARSER = "net.sf.jsqlparser.";
    private static final String JSQLPARSER_INTERNALS = "net.sf.jsqlparser.parser.";
    private static final ClassValue<List<Field>> FIELDS = new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
            return walkableFields(type);
        }
    };

    private AstFields() {}

    static List<Field> of(Class<?> type) {
        return FIELDS.get(type);
    }

    /** Whether {@code type} is one of JSqlParser's classes. */
    static boolean isNode(Class<?> type) {
        return type.getName().startsWith(JSQLPARSER);
    }

    private static List<Field> walkableFields(Class<?> type) {
        List<Field> result = new ArrayList<>();
        for (Class<?> each = type; each != null && each.getName().startsWith(JSQLPARSER); each = each.getSuperclass()) {
            for (Field field : each.getDeclaredFields()) {
                Class<?> fieldType = field.getType();
                if (Modifier.isStatic(field.getModifiers()) || fieldType.isPrimitive() || fieldType == String.class
                        || fieldType.isEnum() || fieldType.getName().startsWith(JSQLPARSER_INTERNALS)) {
                    continue;
                }
                field.setAccessible(true);
                result.add(field);
            }
        }
        return List.copyOf(result);
    }
}
