package io.smoothdeploy.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The decision alone: principal × operation × environment rule → allowed by a role, or the reason. */
class AccessTest {

    private static final String GROUP = "6a3c2f0e-8b1d-4c4e-a7f2-91d0b5e3c8aa";
    private static final String OID = "0f6d7a4e-1c52-4a8e-9a57-3b1a6e2d9c10";

    @Test
    void everyRoleAgainstEveryOperation() {
        for (Role held : Role.values()) {
            for (Operation operation : Operation.values()) {
                // Act
                Access.Verdict verdict = Access.decide(principal(Set.of(held), Set.of()), operation, List.of());

                // Assert
                boolean expected = held == operation.needs() || operation.needs() == Role.READER;
                if (expected) {
                    assertEquals(new Access.Verdict.Allowed(held), verdict, held + " on " + operation);
                } else {
                    Access.Verdict.Forbidden forbidden = assertInstanceOf(Access.Verdict.Forbidden.class, verdict,
                            held + " on " + operation);
                    assertEquals(operation.needs(), forbidden.missingRole());
                    assertEquals(false, forbidden.environmentRule());
                }
            }
        }
    }

    @Test
    void adminAloneCannotStartOrApprove() {
        Principal admin = principal(Set.of(Role.ADMIN), Set.of());
        assertInstanceOf(Access.Verdict.Forbidden.class, Access.decide(admin, Operation.START_DEPLOYMENT, List.of()));
        assertInstanceOf(Access.Verdict.Forbidden.class, Access.decide(admin, Operation.COMPLETE_DEPLOYMENT, List.of()));
        assertEquals(new Access.Verdict.Allowed(Role.ADMIN), Access.decide(admin, Operation.PUT_ENVIRONMENT, List.of()));
    }

    @Test
    void theRoleThatAllowsIsTheOneTheOperationNeedsWhenTheCallerHoldsSeveral() {
        Principal both = principal(EnumSet.of(Role.READER, Role.APPROVER), Set.of());
        assertEquals(new Access.Verdict.Allowed(Role.APPROVER), Access.decide(both, Operation.RESET_DEPLOYMENT, List.of()));
        assertEquals(new Access.Verdict.Allowed(Role.READER), Access.decide(both, Operation.GET_LOG, List.of()));
    }

    @Test
    void noPrincipalIsUnauthenticated() {
        assertInstanceOf(Access.Verdict.Unauthenticated.class, Access.decide(null, Operation.GET_DEPLOYMENT, List.of()));
    }

    @Test
    void noRoleAtAllIsForbiddenEvenToRead() {
        Access.Verdict verdict = Access.decide(principal(Set.of(), Set.of()), Operation.GET_DEPLOYMENT, List.of());
        Access.Verdict.Forbidden forbidden = assertInstanceOf(Access.Verdict.Forbidden.class, verdict);
        assertEquals(Role.READER, forbidden.missingRole());
        assertTrue(forbidden.detail().contains("no role of this app"), forbidden.detail());
    }

    @Test
    void anEnvironmentsApproversNarrowApprovingToTheirMembers() {
        Principal outsider = principal(Set.of(Role.APPROVER), Set.of("11111111-2222-3333-4444-555555555555"));
        Principal member = principal(Set.of(Role.APPROVER), Set.of(GROUP.toUpperCase()));
        Principal named = new Principal("ann", OID, Set.of(Role.APPROVER), Set.of());

        Access.Verdict.Forbidden refused = assertInstanceOf(Access.Verdict.Forbidden.class,
                Access.decide(outsider, Operation.COMPLETE_DEPLOYMENT, List.of(GROUP)));
        assertTrue(refused.environmentRule());
        assertEquals(Role.APPROVER, refused.missingRole());
        assertEquals(new Access.Verdict.Allowed(Role.APPROVER),
                Access.decide(member, Operation.ACCEPT_DATA_LOSS, List.of(GROUP)));
        assertEquals(new Access.Verdict.Allowed(Role.APPROVER),
                Access.decide(named, Operation.RESET_DEPLOYMENT, List.of(OID)));
        // the rule narrows approving only: reading and starting are the roles' business
        assertEquals(new Access.Verdict.Allowed(Role.APPROVER),
                Access.decide(outsider, Operation.GET_DEPLOYMENT, List.of(GROUP)));
    }

    private static Principal principal(Set<Role> roles, Set<String> groups) {
        return new Principal("pat@example.com", null, roles, groups);
    }
}
