package io.smoothdeploy.archfixture.engineazure.engine.port;

import com.azure.core.credential.TokenCredential;

/** Fixture: a port that names an Azure type (planted violation). */
public interface CloudPort {
    TokenCredential credential();
}
