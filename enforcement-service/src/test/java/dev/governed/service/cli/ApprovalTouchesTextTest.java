package dev.governed.service.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governed.service.web.Json;
import org.junit.jupiter.api.Test;

/**
 * What 'approvals show' tells a reviewer an approval grants: a once-approval grants its login only what the statement
 * touches, a window grants every privilege the rule approves, so the touches alone would understate it.
 */
class ApprovalTouchesTextTest {

    private static final String TOUCHES = "\"touches\":[{\"operation\":\"update\",\"schema\":\"public\",\"table\":\"orders\"}]";

    @Test
    void aOnceApprovalGrantsItsLoginWhatTheStatementTouches() {
        String text = ApprovalsCommand.Show.touches(Json.readTree(
                "{\"mode\":\"once\",\"rule\":\"r\",\"login\":\"gov_ab12\"," + TOUCHES + "}", "test"));
        assertThat(text).isEqualTo("update public.orders (granted to login gov_ab12 while approved)");
    }

    @Test
    void aWindowGrantsItsLoginEverythingTheRuleApproves() {
        String text = ApprovalsCommand.Show.touches(Json.readTree(
                "{\"mode\":\"window\",\"rule\":\"order-writes\",\"login\":\"gov_ab12\"," + TOUCHES + "}", "test"));
        assertThat(text).startsWith("update public.orders").contains("gov_ab12")
                .contains("every privilege rule order-writes approves").doesNotContain("granted to login gov_ab12 while approved");
    }

    @Test
    void withoutALoginNothingIsGranted() {
        String text = ApprovalsCommand.Show.touches(Json.readTree("{\"mode\":\"window\",\"rule\":\"r\"," + TOUCHES + "}", "test"));
        assertThat(text).isEqualTo("update public.orders");
    }
}
