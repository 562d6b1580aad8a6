package dev.parley.helm;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * fabric8 keeps fields its model does not know in {@code additionalProperties} instead of failing; this walks a typed
 * object and lists them (a misspelt {@code readinesProbe} or a field at the wrong level shows up here).
 */
final class UnknownFields {

    private UnknownFields() {
    }

    static List<String> of(Object root) {
        List<String> out = new ArrayList<>();
        if (!(root instanceof GenericKubernetesResource)) {
            walk(root, "", out, new IdentityHashMap<>());
        }
        return out;
    }

    private static void walk(Object o, String path, List<String> out, IdentityHashMap<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(e, path + "[" + i++ + "]", out, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "." + k, out, seen));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method method : o.getClass().getMethods()) {
            if (method.getParameterCount() != 0 || !method.getName().startsWith("get")
                    || method.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object value = method.invoke(o);
                if (method.getName().equals("getAdditionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        extra.keySet().forEach(k -> out.add(path + "." + k));
                    }
                } else {
                    walk(value, path + "." + method.getName().substring(3), out, seen);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
