package __PACKAGE__;

import dev.valor.api.Request;
import dev.valor.api.Response;
import dev.valor.api.Vlugin;
import dev.valor.api.VluginRoute;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Component;

/** Answers GET /__NAME__?who=Ann with "Hello, Ann!". */
@Component
@VluginRoute(name = "__NAME__")
public class Plugin implements Vlugin {

    @Override
    public CompletionStage<Response> handle(Request request) {
        String who = request.queryParameter("who");
        if (who == null) {
            who = "world";
        }
        return CompletableFuture.completedStage(Response.text("Hello, " + who + "!"));
    }
}
